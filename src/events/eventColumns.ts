import { UNKNOWN, UNKNOWN_FUNNEL_VERSION } from '../db/schema.ts';
import type { LevelEvent } from './eventSchema.ts';

function dimension(value: string | null | undefined): string {
  return value === undefined || value === null || value === '' ? UNKNOWN : value;
}

/** One value per column of level_events that ingestion writes, in `insertColumns` order. */
export type EventRow = [
  gameId: string,
  eventId: string | null,
  userId: string,
  sessionId: string,
  eventName: string,
  levelId: number,
  properties: string,
  boosterUsed: boolean,
  egp: number | null,
  durationMs: number | null,
  platform: string,
  countryCode: string,
  appVersion: string,
  levelFunnel: string,
  levelFunnelVersion: number,
  createdAt: string,
];

/** The stored form of an event: unknown dimensions made explicit, metric inputs extracted. */
export function toRow(e: LevelEvent): EventRow {
  const p = e.properties;
  return [
    e.gameId,
    e.eventId ?? null,
    e.userId,
    e.sessionId,
    e.eventName,
    p.levelId,
    JSON.stringify(p),
    p.boosters !== undefined && Object.keys(p.boosters).length > 0,
    p.egp ?? null,
    p.duration === undefined ? null : Math.round(p.duration * 1000),
    e.platform,
    dimension(e.countryCode),
    dimension(e.appVersion),
    dimension(e.levelFunnel),
    e.levelFunnelVersion ?? UNKNOWN_FUNNEL_VERSION,
    e.createdAt,
  ];
}

/** The rows of a chunk turned into one array per column, for unnest(). */
export function toColumns(events: readonly LevelEvent[]): unknown[][] {
  const columns: unknown[][] = Array.from({ length: 16 }, () => []);
  for (const e of events) {
    const row = toRow(e);
    for (let i = 0; i < row.length; i++) columns[i].push(row[i]);
  }
  return columns;
}
