import { hashString, unitHash, WeightedTable } from './random.ts';

export const DAY_MS = 86_400_000;

export const platforms = new WeightedTable([
  ['android', 48],
  ['ios', 42],
  ['web', 10],
] as const);

// A skewed share, as in real games: one large market, a long tail.
export const countries = new WeightedTable([
  ['US', 30],
  ['BR', 8],
  ['IN', 8],
  ['DE', 6],
  ['GB', 6],
  ['FR', 5],
  ['JP', 5],
  ['MX', 4],
  ['CA', 4],
  ['KR', 3],
  ['ID', 3],
  ['TR', 3],
  ['IT', 3],
  ['ES', 3],
  ['PL', 2],
  ['PH', 2],
  ['AU', 2],
  ['NL', 1],
  ['SE', 1],
  ['AR', 1],
] as const);

export const funnelVariants = ['A', 'B'] as const;
export type FunnelVariant = (typeof funnelVariants)[number];

export const boosterTypes = ['hammer', 'shuffle', 'extra_moves', 'bomb', 'rainbow'] as const;

/** When each app version ships, as a fraction of the period: one predates it, four arrive in it. */
const appReleases = [-0.5, 0.2, 0.45, 0.7, 0.9];

/** A level-funnel variant's versions and the fraction of the period from which each applies. */
const funnelSchedules: Record<FunnelVariant, { version: number; from: number }[]> = {
  A: [{ version: 1, from: -1 }],
  B: [
    { version: 1, from: -1 },
    { version: 2, from: 0.5 },
  ],
};

/** The game, its calendar and its levels: everything that players share. */
export class World {
  readonly seed: number;
  /** UTC midnight of the first day. */
  readonly periodStart: number;
  readonly now: number;
  readonly appVersions: { name: string; releasedAt: number }[];

  constructor(
    readonly gameId: string,
    seed: string,
    readonly days: number,
    now: Date,
  ) {
    this.seed = hashString(`${gameId}\u0000${seed}`);
    this.now = now.getTime();
    this.periodStart = Math.floor(this.now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
    const span = this.now - this.periodStart;
    this.appVersions = appReleases.map((at, i) => ({
      name: `2.${i}.0`,
      releasedAt: this.periodStart + at * span,
    }));
  }

  /** Index of the newest app version out at `at`. */
  latestAppVersion(at: number): number {
    let latest = 0;
    this.appVersions.forEach((v, i) => {
      if (v.releasedAt <= at) latest = i;
    });
    return latest;
  }

  funnelVersion(variant: FunnelVariant, at: number): number {
    const fraction = (at - this.periodStart) / (this.now - this.periodStart || 1);
    const live = funnelSchedules[variant].filter((s) => s.from <= fraction);
    return live[live.length - 1].version;
  }

  /** A hard spike: a level few players win at the first attempts. */
  isSpike(level: number): boolean {
    return level >= 5 && unitHash(this.seed, level, 1) < 0.12;
  }

  /** The chance that an average player wins one attempt at this level. */
  winRate(level: number): number {
    const spread = unitHash(this.seed, level, 2);
    if (level <= 3) return 0.92;
    if (this.isSpike(level)) return 0.15 + 0.15 * spread;
    return 0.78 - Math.min(0.3, level * 0.004) - 0.15 * spread;
  }

  /** Typical length of an attempt at this level, in seconds. */
  levelSeconds(level: number): number {
    return 35 + 40 * unitHash(this.seed, level, 3) + (this.isSpike(level) ? 30 : 0);
  }
}
