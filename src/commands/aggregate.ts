import { backfillHistorical, getGamesWithLevelEvents } from '../aggregation/aggregationService.ts';
import type { DayAggregation } from '../aggregation/aggregationService.ts';
import { addDays, daysBetween, isDay, utcDay } from '../aggregation/days.ts';
import type { Db } from '../db/connection.ts';
import { openConfiguredDatabase } from '../db/open.ts';
import { progressBar } from './output.ts';

async function gamesOf(db: Db, gameId?: string): Promise<string[]> {
  return gameId ? [gameId] : getGamesWithLevelEvents(db);
}

/** Aggregates [from, to] for each game, with a progress bar and a summary line. */
async function aggregateRange(gameId: string | undefined, from: string, to: string) {
  for (const day of [from, to]) {
    if (!isDay(day)) throw new Error(`${day} is not a date as YYYY-MM-DD`);
  }
  if (to < from) throw new Error(`--to ${to} is before --from ${from}`);
  const database = await openConfiguredDatabase();
  try {
    const games = await gamesOf(database.db, gameId);
    const days = daysBetween(from, to);
    const bar = progressBar(games.length * days.length, 'days');
    const done: DayAggregation[] = [];
    const started = performance.now();
    for (const game of games) {
      await backfillHistorical(database.db, game, from, to, (day) => {
        done.push(day);
        bar?.increment({ label: `${game} ${day.date}` });
      });
    }
    bar?.stop();
    const seconds = (performance.now() - started) / 1000;
    const events = done.reduce((n, d) => n + d.events, 0);
    const rows = done.reduce((n, d) => n + d.rows, 0);
    console.log(
      `aggregated ${done.length} day(s) of ${games.length} game(s): ${events} events into ` +
        `${rows} rows in ${seconds.toFixed(2)} s`,
    );
  } finally {
    await database.close();
  }
}

export async function aggregateCommand(opts: { game?: string; date?: string }): Promise<void> {
  const date = opts.date ?? addDays(utcDay(new Date()), -1);
  await aggregateRange(opts.game, date, date);
}

export async function backfillCommand(opts: { game?: string; from: string; to: string }) {
  await aggregateRange(opts.game, opts.from, opts.to);
}
