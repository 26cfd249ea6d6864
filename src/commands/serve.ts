import { config } from '../config.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { startAggregationJobs, type AggregationScheduler } from '../jobs/scheduler.ts';
import { buildApp } from '../server/app.ts';

/**
 * Runs the HTTP API and dashboard, with the aggregation jobs unless `cron` is false. On SIGTERM
 * or SIGINT it stops taking requests, lets a running aggregation finish its day, and closes
 * the database.
 */
export async function serveCommand(opts: { cron: boolean }): Promise<void> {
  const { PORT, HOST, LOG_LEVEL, AUTH_TOKEN, AGGREGATION_CRON, LIVE_AGGREGATION_CRON } = config();
  const database = await openConfiguredDatabase();
  const app = await buildApp({ database, logLevel: LOG_LEVEL, authToken: AUTH_TOKEN });
  let jobs: AggregationScheduler | undefined;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await jobs?.stop();
    await database.close();
    app.log.info('stopped');
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  try {
    await app.listen({ port: PORT, host: HOST });
  } catch (error) {
    // A busy port: release the database, start no job, so that the process exits with the error.
    await app.close();
    await database.close();
    throw error;
  }
  if (opts.cron) {
    jobs = startAggregationJobs(database.db, app.log, {
      dailyCron: AGGREGATION_CRON,
      liveCron: LIVE_AGGREGATION_CRON,
    });
  }
  app.log.info(
    {
      database: database.kind,
      location: database.location,
      cron: opts.cron ? AGGREGATION_CRON : 'off',
      live: opts.cron ? LIVE_AGGREGATION_CRON : 'off',
      nextDailyRun: jobs?.nextDailyRun()?.toISOString(),
    },
    'level funnel service ready',
  );
}
