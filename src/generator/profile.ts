import {
  countries,
  DAY_MS,
  funnelVariants,
  platforms,
  type FunnelVariant,
  type World,
} from './world.ts';
import type { Random } from './random.ts';

/** Share of players who install on the first day (a launch, a campaign); the rest come later. */
const LAUNCH_SHARE = 0.3;

export interface Profile {
  userId: string;
  platform: string;
  countryCode: string;
  variant: FunnelVariant;
  /** Multiplies the level's win rate. */
  skill: number;
  /** Chance to play on a given day while not churned. */
  engagement: number;
  installAt: number;
}

export function createProfile(world: World, index: number, random: Random): Profile {
  const span = world.now - world.periodStart;
  const window = random.chance(LAUNCH_SHARE) ? Math.min(DAY_MS, span) : span;
  return {
    userId: `u${String(index + 1).padStart(6, '0')}`,
    platform: platforms.pick(random),
    countryCode: countries.pick(random),
    variant: funnelVariants[random.int(0, 1)],
    skill: random.between(0.8, 1.2),
    engagement: random.between(0.35, 0.95),
    installAt: world.periodStart + Math.floor(random.next() * window),
  };
}
