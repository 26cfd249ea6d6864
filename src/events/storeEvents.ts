import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../db/connection.ts';
import type { LevelEvent } from './eventSchema.ts';
import { copyToStaging, transactionClient } from './copyEvents.ts';
import { toColumns } from './eventColumns.ts';

/** Events per INSERT statement: large enough to amortise a round trip, small in memory. */
export const STORE_CHUNK = 5000;

export interface StoreResult {
  /** Events stored by this call. */
  accepted: number;
  /** Events skipped because their (gameId, eventId) was stored before. */
  duplicates: number;
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

const insertColumns = sql.raw(
  'game_id, event_id, user_id, session_id, event_name, level_id, properties, booster_used, ' +
    'egp, duration_ms, platform, country_code, app_version, level_funnel, ' +
    'level_funnel_version, created_at',
);

/**
 * Inserts the rows of `incoming` (named as `insertColumns`), skipping a (gameId, eventId) stored
 * before, and adds what was stored to level_event_days, all in one statement.
 */
function insertFrom(incoming: SQL): SQL {
  return sql`
    with incoming as (${incoming}),
    stored as (
      insert into level_events (${insertColumns})
      select ${insertColumns} from incoming
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
    select count(*)::int as stored from stored`;
}

async function storeChunk(db: Db, events: readonly LevelEvent[]): Promise<number> {
  const client = transactionClient(db);
  const incoming = client ? await copyToStaging(client, events) : unnestRows(events);
  const [row] = await query<{ stored: number | string }>(db, insertFrom(incoming));
  return Number(row.stored);
}

/** The chunk as parameter arrays turned into rows: works on every driver. */
function unnestRows(events: readonly LevelEvent[]): SQL {
  const c = toColumns(events);
  const p = (values: unknown[], type: string) => sql`${sql.param(values)}::${sql.raw(type)}[]`;
  return sql`
    select * from unnest(
      ${p(c.gameId, 'text')}, ${p(c.eventId, 'text')}, ${p(c.userId, 'text')},
      ${p(c.sessionId, 'text')}, ${p(c.eventName, 'text')}, ${p(c.levelId, 'int')},
      ${p(c.properties, 'jsonb')}, ${p(c.boosterUsed, 'boolean')}, ${p(c.egp, 'float8')},
      ${p(c.durationMs, 'bigint')}, ${p(c.platform, 'text')}, ${p(c.countryCode, 'text')},
      ${p(c.appVersion, 'text')}, ${p(c.levelFunnel, 'text')}, ${p(c.levelFunnelVersion, 'int')},
      ${p(c.createdAt, 'timestamptz')}
    ) as t(${insertColumns})`;
}
