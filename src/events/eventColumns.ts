import { UNKNOWN, UNKNOWN_FUNNEL_VERSION } from '../db/schema.ts';
import type { LevelEvent } from './eventSchema.ts';

function dimension(value: string | null | undefined): string {
  return value === undefined || value === null || value === '' ? UNKNOWN : value;
}

/** Column arrays for one chunk, in the order of the unnest() below. */
export function toColumns(events: readonly LevelEvent[]) {
  const columns = {
    gameId: [] as string[],
    eventId: [] as (string | null)[],
    userId: [] as string[],
    sessionId: [] as string[],
    eventName: [] as string[],
    levelId: [] as number[],
    properties: [] as string[],
    boosterUsed: [] as boolean[],
    egp: [] as (number | null)[],
    durationMs: [] as (number | null)[],
    platform: [] as string[],
    countryCode: [] as string[],
    appVersion: [] as string[],
    levelFunnel: [] as string[],
    levelFunnelVersion: [] as number[],
    createdAt: [] as string[],
  };
  for (const e of events) {
    const p = e.properties;
    columns.gameId.push(e.gameId);
    columns.eventId.push(e.eventId ?? null);
    columns.userId.push(e.userId);
    columns.sessionId.push(e.sessionId);
    columns.eventName.push(e.eventName);
    columns.levelId.push(p.levelId);
    columns.properties.push(JSON.stringify(p));
    columns.boosterUsed.push(p.boosters !== undefined && Object.keys(p.boosters).length > 0);
    columns.egp.push(p.egp ?? null);
    columns.durationMs.push(p.duration === undefined ? null : Math.round(p.duration * 1000));
    columns.platform.push(e.platform);
    columns.countryCode.push(dimension(e.countryCode));
    columns.appVersion.push(dimension(e.appVersion));
    columns.levelFunnel.push(dimension(e.levelFunnel));
    columns.levelFunnelVersion.push(e.levelFunnelVersion ?? UNKNOWN_FUNNEL_VERSION);
    columns.createdAt.push(e.createdAt);
  }
  return columns;
}
