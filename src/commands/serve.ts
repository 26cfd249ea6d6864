import { config } from '../config.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { startAggregationJobs } from '../jobs/scheduler.ts';
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
  const jobs = opts.cron
    ? startAggregationJobs(database.db, app.log, {
        dailyCron: AGGREGATION_CRON,
        liveCron: LIVE_AGGREGATION_CRON,
      })
    : undefined;
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
  await app.listen({ port: PORT, host: HOST });
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
