import { sql, type SQL } from 'drizzle-orm';
import { query, type Db } from '../db/connection.ts';
import { AGGREGATION_SQL_VERSION } from '../aggregation/aggregationService.ts';
import { addDays, daysBetween } from '../aggregation/days.ts';
import { summedCounts } from '../levelMetrics/countsSql.ts';
import type { FunnelQuery } from './filters.ts';
import type { LevelCounts } from './metrics.ts';
import {
  deltaEvents,
  liveDeltaGrainRows,
  rawGrainRows,
  rollupRows,
  type LiveDelta,
} from './rawCountsSql.ts';

/** Where each day of a fast read came from. */
export interface DaySources {
  /** Read from the rollup alone: it covers the day's events exactly. */
  rollupDays: string[];
  /** The rollup plus the events stored after it was built (today, typically). */
  liveDays: string[];
  /** Computed from raw events: not aggregated, or aggregated under an older definition. */
  rawDays: string[];
}

export interface CountsResult {
  counts: LevelCounts[];
  sources: DaySources;
  /** The database time the read is consistent with. */
  asOf: string;
}

/** A read worked out: where each day comes from, and the one statement that sums them. */
export interface ReadPlan {
  sources: DaySources;
  /** Absent when no day of the range has events. */
  statement?: SQL;
}

/** Sums per-grain rows into per-level counts. */
function sumByLevel(parts: SQL[]): SQL | undefined {
  if (parts.length === 0) return undefined;
  const union = sql.join(parts, sql` union all `);
  return sql`select ${summedCounts} from (${union}) parts group by level_id order by level_id`;
}

/** Runs a plan; call it inside the snapshot the plan was made in. */
export async function runPlan(db: Db, plan: ReadPlan): Promise<CountsResult> {
  const counts = plan.statement ? await query<LevelCounts>(db, plan.statement) : [];
  return { counts, asOf: await databaseNow(db), sources: plan.sources };
}

async function databaseNow(db: Db): Promise<string> {
  const [row] = await query<{ now: string }>(
    db,
    sql`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as now`,
  );
  return row.now;
}

/** How long one statement of a read may run: a legacy read of a long range is the slow one. */
export const READ_TIMEOUT_SECONDS = 120;

/** Runs `read` in one read-only snapshot, so that all its statements see the same data. */
export function inSnapshot<T>(db: Db, read: (snapshot: Db) => Promise<T>): Promise<T> {
  return db.transaction(
    async (tx) => {
      await tx.execute(sql.raw(`set local statement_timeout = '${READ_TIMEOUT_SECONDS}s'`));
      return read(tx as unknown as Db);
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** The legacy read: everything from raw events. Call it inside a snapshot. */
export function legacyCounts(db: Db, q: FunnelQuery): Promise<CountsResult> {
  return runPlan(db, planLegacyRead(q));
}

export function planLegacyRead(q: FunnelQuery): ReadPlan {
  return {
    sources: { rollupDays: [], liveDays: [], rawDays: daysBetween(q.startDate, q.endDate) },
    statement: sumByLevel([rawGrainRows(q.gameId, q.startDate, q.endDate, q.filters)]),
  };
}

interface DayPlan {
  date: string;
  stored: number | null;
  aggregated: number | null;
  maxEventId: number | null;
  version: number | null;
  /** The last event id stored, of any game. */
  lastEventId: number;
}

/**
 * The fast read (call it inside a snapshot): the rollup for the days it covers exactly, the
 * rollup plus a live delta for days that received events since their aggregation, raw events
 * for the rest.
 */
export async function fastCounts(db: Db, q: FunnelQuery): Promise<CountsResult> {
  return runPlan(db, await planFastRead(db, q));
}

export async function planFastRead(db: Db, q: FunnelQuery): Promise<ReadPlan> {
  const sources = await planDays(db, q);
  const parts: SQL[] = [];
  if (sources.rollupDays.length + sources.liveDays.length > 0) {
    parts.push(rollupRows(q.gameId, [...sources.rollupDays, ...sources.liveDays], q.filters));
  }
  for (const delta of sources.deltas.values()) {
    parts.push(liveDeltaGrainRows(q.gameId, delta, q.filters));
  }
  for (const [first, last] of runs(sources.rawDays)) {
    parts.push(rawGrainRows(q.gameId, first, last, q.filters));
  }
  const { rollupDays, liveDays, rawDays } = sources;
  return { sources: { rollupDays, liveDays, rawDays }, statement: sumByLevel(parts) };
}

async function planDays(db: Db, q: FunnelQuery) {
  const days = await query<DayPlan>(
    db,
    sql`
      select d::date::text as date, b.event_count::float8 as stored,
        a.source_events::float8 as aggregated, a.max_event_id::float8 as "maxEventId",
        a.sql_version as version,
        (select coalesce(max(id), 0) from level_events)::float8 as "lastEventId"
      from generate_series(${q.startDate}::date, ${q.endDate}::date, interval '1 day') d
      left join level_event_days b on b.game_id = ${q.gameId} and b.date = d::date
      left join level_metrics_aggregations a on a.game_id = ${q.gameId} and a.date = d::date
      order by 1`,
  );
  const sources = { rollupDays: [] as string[], liveDays: [] as string[], rawDays: [] as string[] };
  const candidates: DayPlan[] = [];
  for (const day of days) {
    const stored = day.stored ?? 0;
    if (day.version !== AGGREGATION_SQL_VERSION || day.aggregated === null) {
      if (stored > 0) sources.rawDays.push(day.date);
    } else if (day.aggregated === stored) {
      sources.rollupDays.push(day.date);
    } else if (stored > day.aggregated) {
      candidates.push(day);
    } else {
      sources.rawDays.push(day.date);
    }
  }
  const deltas = await confirmDeltas(db, q.gameId, candidates);
  for (const day of candidates) {
    if (deltas.has(day.date)) sources.liveDays.push(day.date);
    else sources.rawDays.push(day.date);
  }
  sources.rawDays.sort();
  return { ...sources, deltas };
}

/**
 * A live delta is exact only if the events after the rollup's last event id are all the
 * events the rollup lacks: an import that committed late with a lower id, or a deleted
 * event, breaks that, and such a day is read from raw events instead.
 */
async function confirmDeltas(db: Db, gameId: string, days: DayPlan[]) {
  const confirmed = new Map<string, LiveDelta>();
  if (days.length === 0) return confirmed;
  const deltas = days.map((day) => ({
    day: day.date,
    lastAggregatedId: day.maxEventId ?? 0,
    walkIds: day.lastEventId - (day.maxEventId ?? 0) < (day.stored ?? 0),
  }));
  const counts = deltas.map(
    (delta) =>
      sql`select ${delta.day} as date, count(*)::float8 as n from ${deltaEvents(gameId, delta)}`,
  );
  const rows = await query<{ date: string; n: number }>(db, sql.join(counts, sql` union all `));
  days.forEach((day, i) => {
    const found = rows.find((r) => r.date === day.date)?.n;
    if (found === (day.stored ?? 0) - (day.aggregated ?? 0)) confirmed.set(day.date, deltas[i]);
  });
  return confirmed;
}

/** Groups sorted days into runs of consecutive days: [first, last] pairs. */
function runs(days: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const day of days) {
    const last = out[out.length - 1];
    if (last && addDays(last[1], 1) === day) last[1] = day;
    else out.push([day, day]);
  }
  return out;
}
