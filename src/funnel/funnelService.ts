import type { Db } from '../db/connection.ts';
import {
  fastCounts,
  inSnapshot,
  legacyCounts,
  type CountsResult,
  type DaySources,
} from './funnelReads.ts';
import type { FunnelFilters, FunnelQuery } from './filters.ts';
import { countNames, deriveLevels, rateNames, type LevelMetrics } from './metrics.ts';

export type FunnelMode = 'fast' | 'legacy';

export const PLAYER_COUNT_DEFINITION =
  'startedPlayers and completedPlayers are distinct players per UTC day, level and ' +
  'combination of platform, countryCode, appVersion, levelFunnel and levelFunnelVersion, ' +
  'summed over the days and combinations of the range: a player active on three days counts ' +
  'three times.';

export interface FunnelResponse {
  gameId: string;
  startDate: string;
  endDate: string;
  filters: FunnelFilters;
  levels: LevelMetrics[];
  meta: DaySources & {
    mode: FunnelMode;
    playerCounts: string;
    /** The database time the live part of the read is as of. */
    asOf: string;
    ms: number;
  };
}

function respond(q: FunnelQuery, mode: FunnelMode, result: CountsResult, started: number) {
  const response: FunnelResponse = {
    gameId: q.gameId,
    startDate: q.startDate,
    endDate: q.endDate,
    filters: q.filters,
    levels: deriveLevels(result.counts),
    meta: {
      mode,
      playerCounts: PLAYER_COUNT_DEFINITION,
      ...result.sources,
      asOf: result.asOf,
      ms: Math.round((performance.now() - started) * 10) / 10,
    },
  };
  return response;
}

/** The rollup for the days it covers, raw events for the rest; metrics derived from the sum. */
export async function getLevelFunnelDataFast(db: Db, q: FunnelQuery): Promise<FunnelResponse> {
  const started = performance.now();
  return respond(q, 'fast', await inSnapshot(db, (s) => fastCounts(s, q)), started);
}

/** Everything from raw events, with the same definitions: the reference for validation. */
export async function getLevelFunnelDataLegacy(db: Db, q: FunnelQuery): Promise<FunnelResponse> {
  const started = performance.now();
  return respond(q, 'legacy', await inSnapshot(db, (s) => legacyCounts(s, q)), started);
}

export function getLevelFunnelData(db: Db, q: FunnelQuery, mode: FunnelMode = 'fast') {
  return mode === 'legacy' ? getLevelFunnelDataLegacy(db, q) : getLevelFunnelDataFast(db, q);
}

export interface FunnelDifference {
  levelId: number;
  metric: string;
  fast: number | null;
  legacy: number | null;
}

/** Every count and metric, level by level, where the two reads differ; exact comparison. */
export function compareFunnels(fast: FunnelResponse, legacy: FunnelResponse): FunnelDifference[] {
  const differences: FunnelDifference[] = [];
  const levelIds = new Set([...fast.levels, ...legacy.levels].map((l) => l.levelId));
  for (const levelId of [...levelIds].sort((a, b) => a - b)) {
    const f = fast.levels.find((l) => l.levelId === levelId);
    const l = legacy.levels.find((x) => x.levelId === levelId);
    for (const metric of [...countNames, ...rateNames]) {
      const a = f ? f[metric] : null;
      const b = l ? l[metric] : null;
      if (a !== b) differences.push({ levelId, metric, fast: a, legacy: b });
    }
  }
  return differences;
}

export interface FunnelValidation {
  equal: boolean;
  differences: FunnelDifference[];
  fast: FunnelResponse;
  legacy: FunnelResponse;
}

/** Both reads in one snapshot, so that events arriving meanwhile cannot make them differ. */
export async function validateFunnel(db: Db, q: FunnelQuery): Promise<FunnelValidation> {
  const started = performance.now();
  const [fastResult, legacyResult] = await inSnapshot(db, async (s) => [
    await fastCounts(s, q),
    await legacyCounts(s, q),
  ]);
  const fast = respond(q, 'fast', fastResult, started);
  const legacy = respond(q, 'legacy', legacyResult, started);
  const differences = compareFunnels(fast, legacy);
  return { equal: differences.length === 0, differences, fast, legacy };
}
