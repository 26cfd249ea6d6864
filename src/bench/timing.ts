/** Times `run` `repeat` times after `warmup` untimed runs; milliseconds, in run order. */
export async function timeRuns(
  run: () => Promise<unknown>,
  repeat: number,
  warmup = 2,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times;
}

/** The q-quantile of the samples by nearest rank (q = 0.5: the median). */
export function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  if (q === 0.5 && sorted.length % 2 === 0) {
    const mid = sorted.length / 2;
    return (sorted[mid - 1] + sorted[mid]) / 2;
  }
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export interface Timing {
  median: number;
  p95: number;
  runs: number;
}

export function summarize(samples: number[]): Timing {
  return { median: quantile(samples, 0.5), p95: quantile(samples, 0.95), runs: samples.length };
}
