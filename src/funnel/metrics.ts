/** The counts of DESIGN §3 for one level, summed over days and dimension combinations. */
export interface LevelCounts {
  levelId: number;
  starts: number;
  completes: number;
  fails: number;
  startedPlayers: number;
  completedPlayers: number;
  boosterUsed: number;
  egpUsed: number;
  totalCompletionDuration: number;
  completionCount: number;
  totalFailDuration: number;
  failCount: number;
}

export const countNames = [
  'starts',
  'completes',
  'fails',
  'startedPlayers',
  'completedPlayers',
  'boosterUsed',
  'egpUsed',
  'totalCompletionDuration',
  'completionCount',
  'totalFailDuration',
  'failCount',
] as const satisfies readonly (keyof LevelCounts)[];

/** The rates of DESIGN §4; null wherever the denominator is 0. */
export interface LevelRates {
  winRate: number | null;
  failRate: number | null;
  completionRate: number | null;
  apsRaw: number | null;
  apsClean: number | null;
  attemptsPerCompletion: number | null;
  boosterUsage: number | null;
  egpRate: number | null;
  funnelRate: number | null;
  avgCompletionDuration: number | null;
  avgFailDuration: number | null;
}

export type LevelMetrics = LevelCounts & LevelRates;

export const rateNames = [
  'winRate',
  'failRate',
  'completionRate',
  'apsRaw',
  'apsClean',
  'attemptsPerCompletion',
  'boosterUsage',
  'egpRate',
  'funnelRate',
  'avgCompletionDuration',
  'avgFailDuration',
] as const satisfies readonly (keyof LevelRates)[];

/** a / b, or null when b is 0. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

function percent(a: number, b: number): number | null {
  const r = ratio(a, b);
  return r === null ? null : r * 100;
}

/** Derives every metric of one level; `levelOneStartedPlayers` is the funnel's denominator. */
export function deriveMetrics(counts: LevelCounts, levelOneStartedPlayers: number): LevelMetrics {
  const outcomes = counts.completes + counts.fails;
  const avgCompletionMs = ratio(counts.totalCompletionDuration, counts.completionCount);
  const avgFailMs = ratio(counts.totalFailDuration, counts.failCount);
  return {
    ...counts,
    winRate: percent(counts.completes, outcomes),
    failRate: percent(counts.fails, outcomes),
    completionRate: percent(counts.completedPlayers, counts.startedPlayers),
    apsRaw: ratio(counts.starts, counts.completedPlayers),
    apsClean: ratio(counts.completes, outcomes),
    attemptsPerCompletion: ratio(outcomes, counts.completes),
    boosterUsage: percent(counts.boosterUsed, outcomes),
    egpRate: percent(counts.egpUsed, counts.fails),
    funnelRate: percent(counts.completedPlayers, levelOneStartedPlayers),
    avgCompletionDuration: avgCompletionMs === null ? null : avgCompletionMs / 1000,
    avgFailDuration: avgFailMs === null ? null : avgFailMs / 1000,
  };
}

export function emptyCounts(levelId: number): LevelCounts {
  const counts = { levelId } as LevelCounts;
  for (const name of countNames) counts[name] = 0;
  return counts;
}

/** Adds counts level by level; the result is sorted by levelId. */
export function sumCounts(...parts: readonly LevelCounts[][]): LevelCounts[] {
  const byLevel = new Map<number, LevelCounts>();
  for (const rows of parts) {
    for (const row of rows) {
      let total = byLevel.get(row.levelId);
      if (!total) byLevel.set(row.levelId, (total = emptyCounts(row.levelId)));
      for (const name of countNames) total[name] += row[name];
    }
  }
  return [...byLevel.values()].sort((a, b) => a.levelId - b.levelId);
}

/** Derives the metrics of every level, with level 1's startedPlayers as the funnel base. */
export function deriveLevels(counts: readonly LevelCounts[]): LevelMetrics[] {
  const levelOne = counts.find((c) => c.levelId === 1)?.startedPlayers ?? 0;
  return [...counts].sort((a, b) => a.levelId - b.levelId).map((c) => deriveMetrics(c, levelOne));
}
