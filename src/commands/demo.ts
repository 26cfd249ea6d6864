import { getGamesWithLevelEvents } from '../aggregation/aggregationService.ts';
import { utcDay, addDays } from '../aggregation/days.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { loadGeneratedEvents } from '../generator/loadGeneratedEvents.ts';
import { catchUp } from '../jobs/levelMetricsAggregation.ts';
import { commandLog, progressBar } from './output.ts';
import { serveCommand } from './serve.ts';

export const DEMO_GAME = 'demo-game';

/**
 * Fills an empty database with generated events for one game, aggregates every day so far,
 * then serves. A database that already has events is served as it is.
 */
export async function demoCommand(opts: { users: number; days: number }): Promise<void> {
  const database = await openConfiguredDatabase();
  try {
    if ((await getGamesWithLevelEvents(database.db)).length === 0) {
      console.log(`generating ${opts.days} days of events of ${opts.users} players...`);
      const options = { gameId: DEMO_GAME, users: opts.users, days: opts.days, seed: 'demo' };
      let bar: ReturnType<typeof progressBar>;
      const loaded = await loadGeneratedEvents(database.db, options, (done, expected) => {
        bar ??= progressBar(expected, 'events');
        bar?.update(Math.min(done, expected));
      });
      bar?.stop();
      console.log(`stored ${loaded.stored} events in ${(loaded.ms / 1000).toFixed(1)} s`);
    }
    const through = addDays(utcDay(new Date()), 1);
    const summary = await catchUp(database.db, { through }, commandLog);
    console.log(`aggregated ${summary.days} day(s), ${summary.events} events, ${summary.ms} ms`);
  } finally {
    await database.close();
  }
  await serveCommand({ cron: true });
}
