import { PlayerRun } from './player.ts';
import type { World } from './world.ts';

/** Events the pilot may play per estimate: enough for a few percent of precision, still fast. */
const PILOT_EVENTS = 1_000_000;
const PILOT_PLAYERS = { min: 500, max: 6000 };
/** How events respond to intensity before it is measured: a session has one attempt at least. */
const DEFAULT_ELASTICITY = 0.6;
/** Natural pace, used to size the pilot when no total is asked for. */
const NATURAL_EVENTS_PER_PLAYER = 80;

interface Try {
  x: number;
  fx: number;
}

const PILOT_IDS = { run: 'pilot', nextEventId: () => '', countOnly: true };

export interface Plan {
  /** Multiplies the extra attempts per session. */
  intensity: number;
  /** Estimated total number of events at that intensity. */
  expectedEvents: number;
}

/**
 * Finds the attempt intensity at which the players produce about `target` events. A pilot
 * plays an evenly spread sample of the very players that will be generated and scales its count
 * up. Churn bends events against intensity, and each intensity draws other random numbers, so
 * the steps follow the measured elasticity within bounds rather than a bare secant.
 */
export function calibrate(world: World, users: number, target?: number): Plan {
  const perPlayer = target ? target / users : NATURAL_EVENTS_PER_PLAYER;
  const wanted = Math.floor(PILOT_EVENTS / perPlayer);
  const size = Math.min(users, Math.max(PILOT_PLAYERS.min, Math.min(PILOT_PLAYERS.max, wanted)));
  const estimate = (intensity: number) => countSample(world, users, size, intensity);

  let tried = { x: 1, fx: estimate(1) };
  if (!target) return { intensity: 1, expectedEvents: Math.round(tried.fx) };
  let best = tried;
  let elasticity = DEFAULT_ELASTICITY;
  for (let step = 0; step < 6 && Math.abs(best.fx - target) > 0.02 * target; step++) {
    const factor = (target / tried.fx) ** (1 / elasticity);
    const x = Math.min(1000, Math.max(0.01, tried.x * Math.min(4, Math.max(0.25, factor))));
    const next = { x, fx: estimate(x) };
    elasticity = measuredElasticity(tried, next) ?? elasticity;
    tried = next;
    if (Math.abs(next.fx - target) < Math.abs(best.fx - target)) best = next;
  }
  return { intensity: best.x, expectedEvents: Math.round(best.fx) };
}

/** d ln(events) / d ln(intensity) between two tries, if they are far enough apart to tell. */
function measuredElasticity(a: Try, b: Try): number | undefined {
  const dx = Math.log(b.x / a.x);
  if (Math.abs(dx) < 0.05) return undefined;
  return Math.min(2, Math.max(0.15, Math.log(b.fx / a.fx) / dx));
}

function countSample(world: World, users: number, size: number, intensity: number): number {
  let events = 0;
  for (let k = 0; k < size; k++) {
    const index = Math.floor(((k + 0.5) * users) / size);
    for (const _ of new PlayerRun(world, index, intensity, PILOT_IDS).events()) events++;
  }
  return (events * users) / size;
}
