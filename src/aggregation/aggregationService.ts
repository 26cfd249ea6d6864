import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/connection.ts';
import {
  countColumns,
  countedColumns,
  countSums,
  dayBounds,
  grainColumns,
  grainCounts,
} from '../levelMetrics/countsSql.ts';
import { daysBetween, dayNumber } from './days.ts';

/**
 * The version of the aggregation's definitions. Raise it when a count is defined anew: every
 * day aggregated under an older version is then stale and read from raw events until redone.
 */
export const AGGREGATION_SQL_VERSION = 1;

export interface DayAggregation {
  gameId: string;
  date: string;
  /** Raw events the day was built from. */
  events: number;
  /** Rows written to level_metrics_daily. */
  rows: number;
  ms: number;
}

/**
 * Rebuilds one (game, day) of the rollup from raw events in one transaction: the day's rows
 * are deleted and inserted again, so a retry gives the same rows and a dimension combination
 * that vanished from the raw events vanishes from the rollup. Only one aggregation of a
 * (game, day) runs at a time; readers see the old day or the new one, never a mix.
 */
export async function aggregateDailyMetrics(
  db: Db,
  gameId: string,
  date: string,
): Promise<DayAggregation> {
  const started = performance.now();
  const { from, to } = dayBounds(date, date);
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    await t.execute(sql`select pg_advisory_xact_lock(hashtext(${gameId}), ${dayNumber(date)})`);
    // A day of a large game is a few hundred thousand events: sort them in memory, not on disk.
    await t.execute(sql`set local work_mem = '64MB'`);
    // Ingestion adds to this row in the transaction that stores a day's events. Taking its
    // lock (creating the row if need be) waits for imports of the day under way and holds new
    // ones back until this commits, so the events read below are exactly the ones it counts.
    await t.execute(sql`
      insert into level_event_days as d (game_id, date, event_count, last_received_at)
      values (${gameId}, ${date}, 0, now())
      on conflict (game_id, date) do update set event_count = d.event_count`);
    await t.execute(
      sql`delete from level_metrics_daily where game_id = ${gameId} and date = ${date}`,
    );
    await t.execute(
      sql`delete from level_metrics_daily_by_level where game_id = ${gameId} and date = ${date}`,
    );
    const [built] = await query<{ events: number; max_id: number; rows: number }>(
      t,
      sql`
        with source as (
          select id, ${countedColumns}
          from level_events
          where game_id = ${gameId} and created_at >= ${from} and created_at < ${to}
        ),
        fine as (
          insert into level_metrics_daily (game_id, date, ${grainColumns}, ${countColumns})
          select ${gameId}, ${date}::date, ${grainColumns}, ${countColumns}
          from (${grainCounts(sql`source`)}) grains
          order by platform, country_code, app_version, level_funnel, level_funnel_version,
            level_id
          returning level_id, ${countColumns}
        ),
        coarse as (
          insert into level_metrics_daily_by_level (game_id, date, level_id, ${countColumns})
          select ${gameId}, ${date}::date, level_id, ${countSums}
          from fine
          group by level_id
        )
        select (select count(*) from source)::float8 as events,
               (select coalesce(max(id), 0) from source)::float8 as max_id,
               (select count(*) from fine)::float8 as rows`,
    );
    const ms = Math.round(performance.now() - started);
    await t.execute(sql`
      insert into level_metrics_aggregations as a (game_id, date, aggregated_at, source_events,
        max_event_id, sql_version, metric_rows, duration_ms)
      values (${gameId}, ${date}, now(), ${built.events}, ${built.max_id},
        ${AGGREGATION_SQL_VERSION}, ${built.rows}, ${ms})
      on conflict (game_id, date) do update set
        aggregated_at = excluded.aggregated_at, source_events = excluded.source_events,
        max_event_id = excluded.max_event_id, sql_version = excluded.sql_version,
        metric_rows = excluded.metric_rows, duration_ms = excluded.duration_ms`);
    await reconcileEventCount(t, gameId, date, Number(built.events));
    return { gameId, date, events: Number(built.events), rows: Number(built.rows), ms };
  });
}

/**
 * Sets ingestion's count of a day, under the lock taken above, to the events the aggregation
 * found: they differ only when raw events were removed by hand, which would otherwise leave
 * the day stale for ever. A day without events keeps no row.
 */
async function reconcileEventCount(db: Db, gameId: string, date: string, events: number) {
  await db.execute(
    events === 0
      ? sql`delete from level_event_days where game_id = ${gameId} and date = ${date}`
      : sql`update level_event_days set event_count = ${events}
            where game_id = ${gameId} and date = ${date}`,
  );
}

/** Aggregates every day of an inclusive range, one day and one transaction at a time. */
export async function backfillHistorical(
  db: Db,
  gameId: string,
  startDate: string,
  endDate: string,
  onDay?: (day: DayAggregation) => void,
): Promise<DayAggregation[]> {
  const done: DayAggregation[] = [];
  for (const date of daysBetween(startDate, endDate)) {
    const day = await aggregateDailyMetrics(db, gameId, date);
    done.push(day);
    onDay?.(day);
  }
  return done;
}

/** Games that have stored level events, from ingestion's per-day bookkeeping. */
export async function getGamesWithLevelEvents(db: Db): Promise<string[]> {
  const rows = await query<{ game_id: string }>(
    db,
    sql`select distinct game_id from level_event_days order by game_id`,
  );
  return rows.map((r) => r.game_id);
}

export type DayState = 'missing' | 'stale' | 'outdated';

export interface DayToAggregate {
  gameId: string;
  date: string;
  state: DayState;
}

/**
 * Days with raw events that the rollup does not cover exactly: never aggregated (missing),
 * events stored since the aggregation (stale), or built by an older definition (outdated).
 */
export async function findDaysToAggregate(
  db: Db,
  options: { through: string; since?: string; gameId?: string },
): Promise<DayToAggregate[]> {
  const rows = await query<{ game_id: string; date: string; state: DayState }>(
    db,
    sql`
      select d.game_id, d.date::text as date,
        case when a.game_id is null then 'missing'
             when a.sql_version <> ${AGGREGATION_SQL_VERSION} then 'outdated'
             else 'stale' end as state
      from level_event_days d
      left join level_metrics_aggregations a on a.game_id = d.game_id and a.date = d.date
      where d.date <= ${options.through}::date
        ${options.since ? sql`and d.date >= ${options.since}::date` : sql``}
        ${options.gameId ? sql`and d.game_id = ${options.gameId}` : sql``}
        and (a.game_id is null or a.sql_version <> ${AGGREGATION_SQL_VERSION}
             or a.source_events <> d.event_count)
      order by d.date, d.game_id`,
  );
  return rows.map((r) => ({ gameId: r.game_id, date: r.date, state: r.state }));
}
