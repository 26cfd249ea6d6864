import type { LevelEvent } from '../events/eventSchema.ts';
import { calibrate } from './calibrate.ts';
import { PlayerRun } from './player.ts';
import { hashString } from './random.ts';
import { World } from './world.ts';

export interface GenerateOptions {
  gameId: string;
  /** Distinct players over the period. */
  users: number;
  /** UTC days of events, the last one being today. */
  days: number;
  /** About this many events in all; without it, the players' natural pace. */
  events?: number;
  seed: string;
  /** The end of the period: no event lies after it. Defaults to the current time. */
  now?: Date;
}

export interface GeneratedEvents extends Iterable<LevelEvent> {
  /** The estimated total, for progress reporting. */
  readonly expectedEvents: number;
  readonly now: Date;
}

/**
 * Realistic level events for one game, player by player, produced lazily so that memory stays
 * flat whatever the size. The same options and `now` give the same events.
 */
export function generateEvents(options: GenerateOptions): GeneratedEvents {
  checkOptions(options);
  const now = options.now ?? new Date();
  const world = new World(options.gameId, options.seed, options.days, now);
  const plan = calibrate(world, options.users, options.events);
  // Ids name the run: loading its events again is harmless, and another run does not collide.
  const run = hashString(
    [world.seed, options.users, options.days, options.events, now.getTime()].join('|'),
  ).toString(36);
  return {
    expectedEvents: plan.expectedEvents,
    now,
    [Symbol.iterator]: () => allEvents(world, options.users, plan.intensity, run),
  };
}

function* allEvents(world: World, users: number, intensity: number, run: string) {
  let n = 0;
  const ids = { run, nextEventId: () => `${run}-${n++}` };
  for (let index = 0; index < users; index++) {
    yield* new PlayerRun(world, index, intensity, ids).events();
  }
}

function checkOptions(options: GenerateOptions): void {
  const wholes = { users: options.users, days: options.days, events: options.events ?? 1 };
  for (const [name, value] of Object.entries(wholes)) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new Error(`generate: ${name} must be a whole number > 0, got ${value}`);
    }
  }
  if (options.gameId.trim() === '') throw new Error('generate: gameId must not be empty');
  if (options.now && Number.isNaN(options.now.getTime())) {
    throw new Error('generate: now must be a valid date');
  }
}
