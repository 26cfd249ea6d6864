import type { Db } from '../db/connection.ts';
import {
  aggregateDailyMetrics,
  findDaysToAggregate,
  type DayAggregation,
} from '../aggregation/aggregationService.ts';
import { addDays, utcDay } from '../aggregation/days.ts';

/** The part of a pino logger the jobs use. */
export interface JobLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface CatchUpSummary {
  days: number;
  failed: number;
  events: number;
  rows: number;
  ms: number;
}

export interface CatchUpOptions {
  /** Last day to consider (inclusive). */
  through: string;
  /** First day to consider; without it, every day back to the first event. */
  since?: string;
  gameId?: string;
  /** Checked between days: a shutdown stops the run after the day under way. */
  shouldStop?: () => boolean;
}

/**
 * Aggregates every day that the rollup does not cover exactly, one day and one transaction at
 * a time, oldest first. A day that fails is logged and left for the next run.
 */
export async function catchUp(
  db: Db,
  options: CatchUpOptions,
  log: JobLogger,
  onDay?: (day: DayAggregation) => void,
): Promise<CatchUpSummary> {
  const started = performance.now();
  const summary: CatchUpSummary = { days: 0, failed: 0, events: 0, rows: 0, ms: 0 };
  for (const { gameId, date, state } of await findDaysToAggregate(db, options)) {
    if (options.shouldStop?.()) break;
    try {
      const day = await aggregateDailyMetrics(db, gameId, date);
      log.info({ ...day, state }, 'day aggregated');
      summary.days += 1;
      summary.events += day.events;
      summary.rows += day.rows;
      onDay?.(day);
    } catch (error) {
      summary.failed += 1;
      log.error({ gameId, date, err: error }, 'day aggregation failed');
    }
  }
  summary.ms = Math.round(performance.now() - started);
  return summary;
}

export type Window = Pick<CatchUpOptions, 'since' | 'through'>;

/** The nightly run's days: yesterday and every earlier day that is missing or stale. */
export function dailyWindow(now: Date): Window {
  return { through: addDays(utcDay(now), -1) };
}

/**
 * The frequent run's days, which keep today's rollup close behind its events so that the live
 * part of a fast read stays small: yesterday (late events), today, and tomorrow (clients whose
 * clocks run ahead).
 */
export function liveWindow(now: Date): Window {
  const today = utcDay(now);
  return { since: addDays(today, -1), through: addDays(today, 1) };
}

export function runDailyAggregation(db: Db, log: JobLogger, now = new Date(), gameId?: string) {
  return catchUp(db, { ...dailyWindow(now), gameId }, log);
}

export function runLiveAggregation(db: Db, log: JobLogger, now = new Date()) {
  return catchUp(db, liveWindow(now), log);
}
