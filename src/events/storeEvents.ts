import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/connection.ts';
import { UNKNOWN, UNKNOWN_FUNNEL_VERSION } from '../db/schema.ts';
import type { LevelEvent } from './eventSchema.ts';

/** Events per INSERT statement: large enough to amortise a round trip, small in memory. */
export const STORE_CHUNK = 5000;

export interface StoreResult {
  /** Events stored by this call. */
  accepted: number;
  /** Events skipped because their (gameId, eventId) was stored before. */
  duplicates: number;
}

function dimension(value: string | null | undefined): string {
  return value === undefined || value === null || value === '' ? UNKNOWN : value;
}

/** Column arrays for one chunk, in the order of the unnest() below. */
function toColumns(events: readonly LevelEvent[]) {
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

/**
 * Stores validated events in chunks of set-based INSERTs and keeps level_event_days in step,
 * in the caller's transaction. A repeated (gameId, eventId) is skipped, not stored twice.
 */
export async function storeEvents(db: Db, events: readonly LevelEvent[]): Promise<StoreResult> {
  let accepted = 0;
  for (let start = 0; start < events.length; start += STORE_CHUNK) {
    const chunk = events.slice(start, start + STORE_CHUNK);
    accepted += await storeChunk(db, chunk);
  }
  return { accepted, duplicates: events.length - accepted };
}

async function storeChunk(db: Db, events: readonly LevelEvent[]): Promise<number> {
  const c = toColumns(events);
  const [row] = await query<{ stored: number | string }>(
    db,
    sql`
      with incoming as (
        select * from unnest(
          ${sql.param(c.gameId)}::text[], ${sql.param(c.eventId)}::text[], ${sql.param(c.userId)}::text[],
          ${sql.param(c.sessionId)}::text[], ${sql.param(c.eventName)}::text[], ${sql.param(c.levelId)}::int[],
          ${sql.param(c.properties)}::text[], ${sql.param(c.boosterUsed)}::boolean[], ${sql.param(c.egp)}::float8[],
          ${sql.param(c.durationMs)}::bigint[], ${sql.param(c.platform)}::text[], ${sql.param(c.countryCode)}::text[],
          ${sql.param(c.appVersion)}::text[], ${sql.param(c.levelFunnel)}::text[], ${sql.param(c.levelFunnelVersion)}::int[],
          ${sql.param(c.createdAt)}::timestamptz[]
        ) as t(game_id, event_id, user_id, session_id, event_name, level_id, properties,
               booster_used, egp, duration_ms, platform, country_code, app_version,
               level_funnel, level_funnel_version, created_at)
      ),
      stored as (
        insert into level_events (game_id, event_id, user_id, session_id, event_name, level_id,
          properties, booster_used, egp, duration_ms, platform, country_code, app_version,
          level_funnel, level_funnel_version, created_at)
        select game_id, event_id, user_id, session_id, event_name, level_id, properties::jsonb,
          booster_used, egp, duration_ms, platform, country_code, app_version, level_funnel,
          level_funnel_version, created_at
        from incoming
        on conflict (game_id, event_id) where event_id is not null do nothing
        returning game_id, created_at
      ),
      days as (
        insert into level_event_days as d (game_id, date, event_count, last_received_at)
        select game_id, (created_at at time zone 'UTC')::date, count(*), now()
        from stored
        group by 1, 2
        on conflict (game_id, date) do update
          set event_count = d.event_count + excluded.event_count,
              last_received_at = excluded.last_received_at
      )
      select count(*)::int as stored from stored
    `,
  );
  return Number(row.stored);
}
