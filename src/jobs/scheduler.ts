import { Cron } from 'croner';
import type { Db } from '../db/connection.ts';
import {
  catchUp,
  dailyWindow,
  liveWindow,
  type CatchUpSummary,
  type JobLogger,
  type Window,
} from './levelMetricsAggregation.ts';

export interface SchedulerOptions {
  /** The nightly run: yesterday and every earlier missing or stale day. */
  dailyCron: string;
  /** The frequent run that keeps today's rollup close behind its events. */
  liveCron: string;
}

export interface AggregationScheduler {
  /** Stops scheduling and waits for the run under way, which ends after its current day. */
  stop(): Promise<void>;
  nextDailyRun(): Date | null;
}

/**
 * Schedules the aggregation jobs in this process. A run never overlaps another run of the same
 * job; two jobs touching the same day are kept apart by aggregation's advisory lock.
 */
export function startAggregationJobs(
  db: Db,
  log: JobLogger,
  options: SchedulerOptions,
): AggregationScheduler {
  let stopping = false;
  const running = new Set<Promise<unknown>>();
  const job = (name: string, window: (now: Date) => Window) => {
    return async () => {
      if (stopping) return;
      const run = catchUp(db, { ...window(new Date()), shouldStop: () => stopping }, log);
      running.add(run);
      try {
        const summary: CatchUpSummary = await run;
        if (summary.days > 0 || summary.failed > 0) log.info({ job: name, ...summary }, 'run done');
      } catch (error) {
        log.error({ job: name, err: error }, 'run failed');
      } finally {
        running.delete(run);
      }
    };
  };
  const cronOptions = { timezone: 'UTC', protect: true };
  const daily = new Cron(options.dailyCron, cronOptions, job('daily', dailyWindow));
  const live = new Cron(options.liveCron, cronOptions, job('live', liveWindow));
  return {
    async stop() {
      stopping = true;
      daily.stop();
      live.stop();
      await Promise.allSettled([...running]);
    },
    nextDailyRun: () => daily.nextRun(),
  };
}
