import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/connection.ts';
import { backfillHistorical } from '../aggregation/aggregationService.ts';
import { addDays, utcDay } from '../aggregation/days.ts';
import type { LevelEvent } from '../events/eventSchema.ts';
import { storeEvents } from '../events/storeEvents.ts';
import { generateEvents } from '../generator/generateEvents.ts';
import { chunks } from '../generator/loadGeneratedEvents.ts';
import type { Scale } from './scales.ts';

/** Events of the last minutes before `now` arrive after the rollup: the live delta. */
export const LIVE_MINUTES = 10;

export interface Dataset {
  gameId: string;
  now: Date;
  today: string;
  firstDay: string;
  events: number;
  liveEvents: number;
  loadMs: number;
  backfillMs: number;
}

export async function removeGame(db: Db, gameId: string): Promise<void> {
  for (const table of [
    'level_events',
    'level_event_days',
    'level_metrics_daily',
    'level_metrics_daily_by_level',
    'level_metrics_aggregations',
  ]) {
    await db.execute(sql`delete from ${sql.raw(table)} where game_id = ${gameId}`);
  }
}

/**
 * Generates a scale's events ending now and stores them, aggregates every day including today
 * so far, then stores the last minutes' events: the state of a service whose live job ran a
 * few minutes ago.
 */
export async function buildDataset(
  db: Db,
  scale: Scale,
  gameId: string,
  progress: (step: string, done: number, total: number) => void,
): Promise<Dataset> {
  await removeGame(db, gameId);
  const now = new Date();
  const cut = new Date(now.getTime() - LIVE_MINUTES * 60_000).toISOString();
  const generated = generateEvents({ gameId, ...scale, seed: scale.name, now });
  const live: LevelEvent[] = [];
  let events = 0;
  const loadStarted = performance.now();
  for (const chunk of chunks(generated, 20_000)) {
    const early = chunk.filter((e) => e.createdAt < cut);
    for (const e of chunk) if (e.createdAt >= cut) live.push(e);
    await db.transaction((tx) => storeEvents(tx, early));
    events += chunk.length;
    progress('load', events, generated.expectedEvents);
  }
  const loadMs = performance.now() - loadStarted;
  await clusterByTime(db);
  const today = utcDay(now);
  const firstDay = addDays(today, -(scale.days - 1));
  const backfillStarted = performance.now();
  await backfillHistorical(db, gameId, firstDay, today, (day) =>
    progress('backfill', daysDone(firstDay, day.date), scale.days),
  );
  const backfillMs = performance.now() - backfillStarted;
  await db.transaction((tx) => storeEvents(tx, live));
  await db.execute(sql`analyze`);
  return { gameId, now, today, firstDay, events, liveEvents: live.length, loadMs, backfillMs };
}

/**
 * The generator writes player by player, so a day's events end up spread over the whole table;
 * a service receives them in time order instead. Reordering the table by (game, time) gives
 * the reads and the aggregation the layout they meet in production. PostgreSQL only.
 */
async function clusterByTime(db: Db): Promise<void> {
  const [server] = await query<{ v: string }>(db, sql`select version() as v`);
  if (/wasm|emscripten/i.test(server.v)) return;
  await db.execute(sql`cluster level_events using level_events_game_created_idx`);
}

function daysDone(first: string, day: string): number {
  return Math.round((Date.parse(day) - Date.parse(first)) / 86_400_000) + 1;
}

/** Bytes on disk of each table, indexes included. */
export async function tableSizes(db: Db): Promise<{ table: string; bytes: number }[]> {
  return query<{ table: string; bytes: number }>(
    db,
    sql`select relname as table, pg_total_relation_size(c.oid)::float8 as bytes
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r' and relname like 'level_%'
        order by bytes desc`,
  );
}
