import type { SingleBar } from 'cli-progress';
import { openConfiguredDatabase } from '../db/open.ts';
import {
  loadGeneratedEvents,
  writeGeneratedEvents,
  type GenerateOptions,
  type LoadProgress,
} from '../generator/index.ts';
import { progressBar } from './output.ts';

export interface GenerateCommandOptions {
  game: string;
  users: number;
  days: number;
  events?: number;
  seed: string;
  out?: string;
}

interface Outcome {
  events: number;
  ms: number;
  /** Where the events went, and what else to say about it. */
  target: string;
  note?: string;
}

export async function generateCommand(opts: GenerateCommandOptions): Promise<void> {
  const options: GenerateOptions = {
    gameId: opts.game,
    users: opts.users,
    days: opts.days,
    events: opts.events,
    seed: opts.seed,
    now: new Date(),
  };
  const bar = progress();
  let outcome: Outcome;
  try {
    outcome = opts.out
      ? await writeFile(opts.out, options, bar.update)
      : await loadDatabase(options, bar.update);
  } finally {
    bar.stop();
  }
  // With NDJSON on standard output, the summary must not end up among the events.
  const print = opts.out === '-' ? console.error : console.log;
  print(summary(options, outcome));
}

async function writeFile(out: string, options: GenerateOptions, onProgress: LoadProgress) {
  const result = await writeGeneratedEvents(out, options, onProgress);
  return { ...result, target: out === '-' ? 'to standard output' : `to ${out}` };
}

async function loadDatabase(options: GenerateOptions, onProgress: LoadProgress): Promise<Outcome> {
  const database = await openConfiguredDatabase();
  try {
    const result = await loadGeneratedEvents(database.db, options, onProgress);
    const skipped = result.events - result.stored;
    return {
      ...result,
      target: `into ${database.kind} (${database.location})`,
      note: skipped > 0 ? `${count(skipped)} of them were stored before` : undefined,
    };
  } finally {
    await database.close();
  }
}

/** The shared progress bar, started at the first report, when the total is known. */
function progress(): { update: LoadProgress; stop(): void } {
  let bar: SingleBar | undefined;
  let started = false;
  return {
    update(loaded, expected) {
      if (!started) bar = progressBar(expected, 'events');
      started = true;
      bar?.setTotal(Math.max(expected, loaded));
      bar?.update(loaded);
    },
    stop: () => bar?.stop(),
  };
}

const count = (value: number) => value.toLocaleString('en-US');

function summary(options: GenerateOptions, outcome: Outcome): string {
  const seconds = outcome.ms / 1000;
  const rate = Math.round(outcome.events / Math.max(seconds, 0.001));
  // Every player installs within the period, so each one has events.
  const notes = [outcome.note];
  const asked = options.events;
  if (asked && Math.abs(outcome.events - asked) > 0.1 * asked) {
    notes.push(`${count(asked)} were asked for, out of reach for these players and days`);
  }
  return [
    `generated ${count(outcome.events)} events of ${count(options.users)} players over ` +
      `${options.days} days (game ${options.gameId}, seed ${options.seed}) ${outcome.target} ` +
      `in ${seconds.toFixed(1)} s: ${count(rate)} events/s`,
    ...notes.filter((note) => note !== undefined),
  ].join('; ');
}
