import { writeFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { config } from '../config.ts';
import { openDatabase, query, type Db } from '../db/connection.ts';
import { aggregateDailyMetrics } from '../aggregation/aggregationService.ts';
import { addDays } from '../aggregation/days.ts';
import { inSnapshot, planFastRead } from '../funnel/funnelReads.ts';
import {
  getLevelFunnelDataFast,
  getLevelFunnelDataLegacy,
  validateFunnel,
} from '../funnel/funnelService.ts';
import { buildDataset, tableSizes, type Dataset } from './dataset.ts';
import { IMPORT_RUNS, measureImport, measurePglite } from './measurements.ts';
import { toMarkdown, toText, type BenchReport, type ReadRow } from './report.ts';
import { resolveScale, type Scale } from './scales.ts';
import { readScenarios, type ReadScenario } from './scenarios.ts';
import { summarize, timeRuns } from './timing.ts';

interface BenchOptions {
  scale?: string;
  users?: number;
  events?: number;
  days?: number;
  repeat: number;
  markdown?: string;
}

const log = (message: string) => console.error(`[bench] ${message}`);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

export async function benchCommand(opts: BenchOptions): Promise<void> {
  const scale = resolveScale(opts);
  const url = config().DATABASE_URL;
  if (!url) throw new Error('bench runs on PostgreSQL: set DATABASE_URL');
  const database = await openDatabase({ url, poolSize: 4 });
  await database.migrate();
  try {
    const report = await run(database.db, scale, opts.repeat);
    console.log(toText(report));
    if (opts.markdown) {
      writeFileSync(opts.markdown, `${toMarkdown(report)}\n`);
      log(`table written to ${opts.markdown}`);
    }
  } finally {
    await database.close();
  }
}

async function run(db: Db, scale: Scale, repeat: number): Promise<BenchReport> {
  log(`generating and loading ${scale.events} events (${scale.users} users, ${scale.days} days)`);
  let lastStep = '';
  const data = await buildDataset(db, scale, `bench-${scale.name}`, (step, done, total) => {
    const pct = Math.floor((done / total) * 10);
    if (`${step}${pct}` !== lastStep) log(`${step} ${done}/${total}`);
    lastStep = `${step}${pct}`;
  });
  log(`loaded ${data.events} events, ${data.liveEvents} of them after the rollup`);
  const reads: ReadRow[] = [];
  const scenarios = await readScenarios(db, data);
  for (const scenario of scenarios) reads.push(await measureRead(db, scenario, scale, repeat));
  const figures = await otherFigures(db, scale, data, repeat);
  const notes = await explainSlowest(db, scenarios, reads);
  const title =
    `${scale.name} scale: ${data.events.toLocaleString('en')} events, ` +
    `${scale.users.toLocaleString('en')} players, ${scale.days} days; ` +
    `${data.liveEvents.toLocaleString('en')} events of the last minutes not yet aggregated`;
  return { title, reads, figures, notes };
}

async function measureRead(
  db: Db,
  scenario: ReadScenario,
  scale: Scale,
  repeat: number,
): Promise<ReadRow> {
  const validation = await validateFunnel(db, scenario.query);
  const legacyRepeat = scale.events > 1_000_000 ? 3 : Math.min(repeat, 7);
  const legacy = await timeRuns(
    () => getLevelFunnelDataLegacy(db, scenario.query),
    legacyRepeat,
    1,
  );
  const fast = await timeRuns(() => getLevelFunnelDataFast(db, scenario.query), repeat, 3);
  const row: ReadRow = {
    name: scenario.name,
    legacy: summarize(legacy),
    fast: summarize(fast),
    targetMs: scenario.targetMs,
    equal: validation.equal,
  };
  log(
    `${row.name}: legacy ${row.legacy.median.toFixed(1)} ms, fast ${row.fast.median.toFixed(1)} ms`,
  );
  return row;
}

async function otherFigures(db: Db, scale: Scale, data: Dataset, repeat: number) {
  const growth = scale.events > 1_000_000;
  const yesterday = addDays(data.today, -1);
  const aggregation = summarize(
    await timeRuns(() => aggregateDailyMetrics(db, data.gameId, yesterday), Math.min(repeat, 5), 1),
  );
  const [day] = await query<{ n: number }>(
    db,
    sql`select event_count::float8 as n from level_event_days
        where game_id = ${data.gameId} and date = ${yesterday}`,
  );
  log(`aggregate one day: ${aggregation.median.toFixed(0)} ms`);
  const importRate = await measureImport(db, scale, log);
  const figures: BenchReport['figures'] = [
    {
      name: `aggregate one day (${day.n.toLocaleString('en')} events), median`,
      value: `${aggregation.median.toFixed(0)} ms`,
      target: growth ? '≤ 1.5 s' : '≤ 0.5 s',
      met: aggregation.median <= (growth ? 1500 : 500),
    },
    {
      name: `import ${scale.importEvents.toLocaleString('en')} events (validated, stored), median of ${IMPORT_RUNS}`,
      value: `${Math.round(importRate).toLocaleString('en')} events/s`,
      target: '≥ 50,000 events/s',
      met: importRate >= 50_000,
    },
    {
      name: `generate and load ${data.events.toLocaleString('en')} events`,
      value: `${(data.loadMs / 1000).toFixed(0)} s`,
      target: '',
      met: null,
    },
    {
      name: `backfill ${scale.days} days`,
      value: `${(data.backfillMs / 1000).toFixed(1)} s`,
      target: '',
      met: null,
    },
  ];
  // Measured before PGlite, which holds its whole database in this process's memory.
  const peak = process.resourceUsage().maxRSS * 1024;
  figures.push({
    name: 'peak memory of the process (generating, loading, aggregating, reading, importing)',
    value: mib(peak),
    target: '',
    met: null,
  });
  if (!growth) {
    const pglite = await measurePglite(scale, repeat, log);
    figures.push({
      name: 'PGlite: fast 30-day funnel including today, median',
      value: `${pglite.median.toFixed(1)} ms (p95 ${pglite.p95.toFixed(1)})`,
      target: '≤ 250 ms',
      met: pglite.median <= 250,
    });
  }
  for (const size of await tableSizes(db)) {
    figures.push({ name: `size of ${size.table}`, value: mib(size.bytes), target: '', met: null });
  }
  return figures;
}

/** EXPLAIN ANALYZE of the slowest fast read: what limits it. */
async function explainSlowest(db: Db, scenarios: ReadScenario[], reads: ReadRow[]) {
  const slowest = reads.reduce((a, b) => (b.fast.median > a.fast.median ? b : a));
  const scenario = scenarios.find((s) => s.name === slowest.name)!;
  const plan = await inSnapshot(db, async (s) => {
    const read = await planFastRead(s, scenario.query);
    if (!read.statement) return [];
    return query<{ 'QUERY PLAN': string }>(s, sql`explain (analyze, buffers) ${read.statement}`);
  });
  const lines = plan.map((r) => r['QUERY PLAN']);
  return [`slowest fast read: ${slowest.name}; its plan:\n\n\`\`\`\n${lines.join('\n')}\n\`\`\``];
}
