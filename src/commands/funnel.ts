import { openConfiguredDatabase } from '../db/open.ts';
import { parseFunnelVersion, splitList, type FunnelFilters } from '../funnel/filters.ts';
import {
  getLevelFunnelData,
  validateFunnel,
  type FunnelMode,
  type FunnelResponse,
} from '../funnel/funnelService.ts';
import type { LevelMetrics } from '../funnel/metrics.ts';

interface FilterOptions {
  platform?: string;
  countryCode?: string;
  appVersion?: string;
  levelFunnel?: string;
  levelFunnelVersion?: string;
}

interface FunnelOptions extends FilterOptions {
  game: string;
  from: string;
  to: string;
  mode?: FunnelMode;
  json?: boolean;
}

function filtersOf(opts: FilterOptions): FunnelFilters {
  const versions = splitList(opts.levelFunnelVersion)?.map((v) => {
    const n = parseFunnelVersion(v);
    if (n === undefined) throw new Error(`--level-funnel-version: '${v}' is not an integer`);
    return n;
  });
  return {
    platform: splitList(opts.platform),
    countryCode: splitList(opts.countryCode),
    appVersion: splitList(opts.appVersion),
    levelFunnel: splitList(opts.levelFunnel),
    levelFunnelVersion: versions,
  };
}

function queryOf(opts: FunnelOptions) {
  if (opts.to < opts.from) throw new Error(`--to ${opts.to} is before --from ${opts.from}`);
  return { gameId: opts.game, startDate: opts.from, endDate: opts.to, filters: filtersOf(opts) };
}

const columns: [keyof LevelMetrics, string, number][] = [
  ['levelId', 'level', 0],
  ['starts', 'starts', 0],
  ['completes', 'wins', 0],
  ['fails', 'fails', 0],
  ['startedPlayers', 'started pl.', 0],
  ['completedPlayers', 'completed pl.', 0],
  ['winRate', 'win %', 1],
  ['completionRate', 'completion %', 1],
  ['attemptsPerCompletion', 'attempts/win', 2],
  ['apsRaw', 'APS raw', 2],
  ['boosterUsage', 'booster %', 1],
  ['egpRate', 'EGP %', 1],
  ['funnelRate', 'funnel %', 1],
  ['avgCompletionDuration', 'avg win s', 1],
];

function cell(value: number | null, digits: number): string {
  return value === null ? '–' : value.toFixed(digits);
}

export function formatTable(response: FunnelResponse): string {
  const header = columns.map(([, title]) => title);
  const rows = response.levels.map((l) => columns.map(([key, , d]) => cell(l[key], d)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  const { meta } = response;
  return [
    `${response.gameId} ${response.startDate} → ${response.endDate} (${meta.mode}, ${meta.ms} ms)`,
    line(header),
    ...rows.map(line),
    `days from the rollup: ${meta.rollupDays.length}, rollup + live events: ` +
      `${meta.liveDays.length}, raw events: ${meta.rawDays.length}; as of ${meta.asOf}`,
    `players: ${meta.playerCounts}`,
  ].join('\n');
}

export async function funnelCommand(opts: FunnelOptions): Promise<void> {
  const q = queryOf(opts);
  const database = await openConfiguredDatabase();
  try {
    const response = await getLevelFunnelData(database.db, q, opts.mode ?? 'fast');
    console.log(opts.json ? JSON.stringify(response, null, 2) : formatTable(response));
  } finally {
    await database.close();
  }
}

export async function validateCommand(opts: FunnelOptions): Promise<void> {
  const q = queryOf(opts);
  const database = await openConfiguredDatabase();
  try {
    const result = await validateFunnel(database.db, q);
    for (const d of result.differences) {
      console.log(`level ${d.levelId} ${d.metric}: fast ${d.fast}, legacy ${d.legacy}`);
    }
    const { rollupDays, liveDays, rawDays } = result.fast.meta;
    console.log(
      `${result.equal ? 'equal' : 'DIFFERENT'}: ${result.fast.levels.length} levels, ` +
        `${result.differences.length} difference(s); fast read used ${rollupDays.length} ` +
        `rollup, ${liveDays.length} live and ${rawDays.length} raw day(s)`,
    );
    if (!result.equal) process.exitCode = 1;
  } finally {
    await database.close();
  }
}
