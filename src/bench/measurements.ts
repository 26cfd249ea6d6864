import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { openDatabase, type Db } from '../db/connection.ts';
import { importEvents } from '../events/importEvents.ts';
import { getLevelFunnelDataFast } from '../funnel/funnelService.ts';
import { generateEvents } from '../generator/generateEvents.ts';
import { buildDataset, removeGame } from './dataset.ts';
import type { Scale } from './scales.ts';
import { quantile, summarize, timeRuns, type Timing } from './timing.ts';

/** Imports of the file timed; their median is reported. */
export const IMPORT_RUNS = 3;

/**
 * Writes generated events as NDJSON, then times `import` of the file IMPORT_RUNS times, each
 * into a game emptied before; the median rate in events per second.
 */
export async function measureImport(db: Db, scale: Scale, log: (m: string) => void) {
  const gameId = `bench-import-${scale.name}`;
  const dir = await mkdtemp(join(tmpdir(), 'level-funnel-bench-'));
  const file = join(dir, 'events.ndjson');
  const out = createWriteStream(file);
  const users = Math.max(100, Math.round(scale.importEvents / 60));
  for (const event of generateEvents({
    gameId,
    users,
    days: 3,
    events: scale.importEvents,
    seed: 'import',
  })) {
    if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const rates: number[] = [];
  for (let run = 0; run < IMPORT_RUNS; run++) {
    await removeGame(db, gameId);
    const result = await importEvents(db, createReadStream(file));
    rates.push(result.accepted / (result.ms / 1000));
    log(`import: ${result.accepted} events in ${result.ms} ms`);
  }
  await removeGame(db, gameId);
  await rm(dir, { recursive: true });
  return quantile(rates, 0.5);
}

/** The fast 30-day read on embedded PGlite, on the same scale's data. */
export async function measurePglite(
  scale: Scale,
  repeat: number,
  log: (m: string) => void,
): Promise<Timing> {
  const database = await openDatabase({ dataDir: 'memory://' });
  await database.migrate();
  try {
    log('PGlite: loading the same dataset');
    const data = await buildDataset(database.db, scale, `bench-${scale.name}`, () => {});
    const q = { gameId: data.gameId, startDate: data.firstDay, endDate: data.today, filters: {} };
    return summarize(await timeRuns(() => getLevelFunnelDataFast(database.db, q), repeat, 3));
  } finally {
    await database.close();
  }
}
