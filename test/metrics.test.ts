import { describe, expect, it } from 'vitest';
import { deriveLevels, deriveMetrics, emptyCounts, sumCounts } from '../src/funnel/metrics.ts';

const level = (levelId: number, counts: Partial<ReturnType<typeof emptyCounts>>) => ({
  ...emptyCounts(levelId),
  ...counts,
});

describe('metric derivation', () => {
  it('derives every rate from counts', () => {
    const m = deriveMetrics(
      level(3, {
        starts: 10,
        completes: 3,
        fails: 5,
        startedPlayers: 4,
        completedPlayers: 2,
        boosterUsed: 2,
        egpUsed: 1,
        totalCompletionDuration: 4500,
        completionCount: 3,
        totalFailDuration: 1000,
        failCount: 4,
      }),
      8,
    );
    expect(m).toMatchObject({
      winRate: 37.5,
      failRate: 62.5,
      completionRate: 50,
      apsRaw: 5,
      apsClean: 0.375,
      attemptsPerCompletion: 8 / 3,
      boosterUsage: 25,
      egpRate: 20,
      funnelRate: 25,
      avgCompletionDuration: 1.5,
      avgFailDuration: 0.25,
    });
  });

  it('gives null, never 0, NaN or Infinity, for a zero denominator', () => {
    const m = deriveMetrics(level(1, {}), 0);
    for (const value of Object.values(m).slice(12)) expect(value).toBeNull();
  });

  it('sums counts level by level and sorts by level', () => {
    const total = sumCounts(
      [level(2, { starts: 1 }), level(1, { starts: 2, startedPlayers: 1 })],
      [level(1, { starts: 3, startedPlayers: 1 })],
    );
    expect(total.map((l) => [l.levelId, l.starts, l.startedPlayers])).toEqual([
      [1, 5, 2],
      [2, 1, 0],
    ]);
  });

  it("takes level 1's started players as every level's funnel base", () => {
    const levels = deriveLevels([
      level(2, { completedPlayers: 3 }),
      level(1, { startedPlayers: 12, completedPlayers: 6 }),
    ]);
    expect(levels.map((l) => [l.levelId, l.funnelRate])).toEqual([
      [1, 50],
      [2, 25],
    ]);
  });
});
