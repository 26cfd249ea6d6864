import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../db/connection.ts';
import type { LevelEvent } from './eventSchema.ts';
import { copyToStaging, transactionClient } from './copyEvents.ts';
import { toColumns } from './eventColumns.ts';

/** Events per statement: 20 K imported 1.2 times as fast as 5 K on PostgreSQL, a few MB each. */
export const STORE_CHUNK = 20_000;

export interface StoreResult {
  /** Events stored by this call. */
  accepted: number;
  /** Events skipped because their (gameId, eventId) was stored before. */
  duplicates: number;
}

/** Events stored per (gameId, UTC day), not yet added to level_event_days. */
export type PendingDays = Map<string, { gameId: string; date: string; events: number }>;

/**
 * Stores validated events in chunks of set-based INSERTs, in the caller's transaction, and
 * keeps level_event_days in step. A repeated (gameId, eventId) is skipped, not stored twice.
 * A caller that stores several batches in one transaction passes `pending` and calls
 * recordEventDays once at the end.
 */
export async function storeEvents(
  db: Db,
  events: readonly LevelEvent[],
  pending?: PendingDays,
): Promise<StoreResult> {
  const days: PendingDays = pending ?? new Map();
  let accepted = 0;
  for (let start = 0; start < events.length; start += STORE_CHUNK) {
    const chunk = events.slice(start, start + STORE_CHUNK);
    accepted += await storeChunk(db, chunk, days);
  }
  if (!pending) await recordEventDays(db, days);
  return { accepted, duplicates: events.length - accepted };
}

/**
 * Adds stored events to level_event_days in one statement, rows in key order: two
 * transactions that store events of the same days then lock those rows in the same order and
 * cannot deadlock; and each holds the rows only from here to its commit.
 */
export async function recordEventDays(db: Db, days: PendingDays): Promise<void> {
  if (days.size === 0) return;
  const rows = [...days.values()].sort((a, b) =>
    a.gameId === b.gameId ? a.date.localeCompare(b.date) : a.gameId < b.gameId ? -1 : 1,
  );
  await db.execute(sql`
    insert into level_event_days as d (game_id, date, event_count, last_received_at)
    select game_id, date, events, now()
    from unnest(
      ${sql.param(rows.map((r) => r.gameId))}::text[],
      ${sql.param(rows.map((r) => r.date))}::date[],
      ${sql.param(rows.map((r) => r.events))}::bigint[]
    ) with ordinality as t(game_id, date, events, n)
    order by n
    on conflict (game_id, date) do update
      set event_count = d.event_count + excluded.event_count,
          last_received_at = excluded.last_received_at`);
  days.clear();
}

const insertColumns = sql.raw(
  'game_id, event_id, user_id, session_id, event_name, level_id, properties, booster_used, ' +
    'egp, duration_ms, platform, country_code, app_version, level_funnel, ' +
    'level_funnel_version, created_at',
);

/**
 * Inserts the rows of `incoming` (named as `insertColumns`), skipping a (gameId, eventId) stored
 * before, and counts what was stored per game and UTC day.
 */
function insertFrom(incoming: SQL): SQL {
  return sql`
    with incoming as (${incoming}),
    stored as (
      insert into level_events (${insertColumns})
      select ${insertColumns} from incoming
      on conflict (game_id, event_id) where event_id is not null do nothing
      returning game_id, created_at
    )
    select game_id as "gameId", (created_at at time zone 'UTC')::date::text as date,
      count(*)::int as events
    from stored group by 1, 2`;
}

async function storeChunk(db: Db, events: readonly LevelEvent[], days: PendingDays) {
  const client = transactionClient(db);
  const incoming = client ? await copyToStaging(client, events) : unnestRows(events);
  const stored = await query<{ gameId: string; date: string; events: number }>(
    db,
    insertFrom(incoming),
  );
  let total = 0;
  for (const row of stored) {
    const key = `${row.gameId}\u0000${row.date}`;
    const day = days.get(key) ?? { gameId: row.gameId, date: row.date, events: 0 };
    day.events += Number(row.events);
    days.set(key, day);
    total += Number(row.events);
  }
  return total;
}

/** The chunk as parameter arrays turned into rows: works on every driver. */
function unnestRows(events: readonly LevelEvent[]): SQL {
  const types = [
    'text',
    'text',
    'text',
    'text',
    'text',
    'int',
    'jsonb',
    'boolean',
    'float8',
  ].concat(['bigint', 'text', 'text', 'text', 'text', 'int', 'timestamptz']);
  const arrays = toColumns(events).map(
    (values, i) => sql`${sql.param(values)}::${sql.raw(types[i])}[]`,
  );
  return sql`select * from unnest(${sql.join(arrays, sql`, `)}) as t(${insertColumns})`;
}
