import { boosterTypes, type World } from './world.ts';
import type { Random } from './random.ts';

/** The share of attempts that the player leaves without an outcome (app closed, call came in). */
export const ABANDON_SHARE = 0.03;
/** The share of complete/failed events that carry a duration. */
const DURATION_SHARE = 0.95;

export interface AttemptOutcome {
  won: boolean;
  boosters?: Record<string, number>;
  egp?: number;
  /** Seconds the attempt took; `reported` is false when the event leaves it out. */
  seconds: number;
  reported: boolean;
}

/**
 * Plays one attempt at a level. Players who keep failing reach for boosters more often, and
 * each failure teaches them a little: the win chance rises with the fails at this level.
 */
export function playAttempt(
  world: World,
  random: Random,
  level: number,
  skill: number,
  failsHere: number,
): AttemptOutcome {
  const boosters = chooseBoosters(random, failsHere);
  const boosted = boosters !== undefined && Object.keys(boosters).length > 0;
  const chance =
    world.winRate(level) * skill + 0.05 * Math.min(failsHere, 6) + (boosted ? 0.12 : 0);
  const won = random.chance(Math.min(0.97, Math.max(0.03, chance)));
  const seconds = world.levelSeconds(level) * random.between(0.5, 1.5) * (won ? 1 : 0.8);
  return {
    won,
    boosters,
    egp: won ? undefined : chooseEgp(world, random, level),
    seconds: Math.round(seconds * 1000) / 1000,
    reported: random.chance(DURATION_SHARE),
  };
}

function chooseBoosters(random: Random, failsHere: number): Record<string, number> | undefined {
  if (!random.chance(0.12 + 0.06 * Math.min(failsHere, 5))) {
    // Some clients send an empty object when no booster was used.
    return random.chance(0.03) ? {} : undefined;
  }
  const boosters: Record<string, number> = {};
  const kinds = random.chance(0.8) ? 1 : 2;
  for (let i = 0; i < kinds; i++) {
    const type = boosterTypes[random.int(0, boosterTypes.length - 1)];
    boosters[type] = random.chance(0.85) ? 1 : 2;
  }
  return boosters;
}

/** Paid extra plays on a failure: more often on a hard spike; an offer declined is `egp: 0`. */
function chooseEgp(world: World, random: Random, level: number): number | undefined {
  if (random.chance(world.isSpike(level) ? 0.22 : 0.08)) return 1 + random.geometric(0.4);
  return random.chance(0.06) ? 0 : undefined;
}
