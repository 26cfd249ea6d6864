import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aggregateDailyMetrics,
  findDaysToAggregate,
} from '../src/aggregation/aggregationService.ts';
import { storeEvents } from '../src/events/storeEvents.ts';
import { validateFunnel } from '../src/funnel/funnelService.ts';
import { generateEvents } from '../src/generator/generateEvents.ts';
import {
  catchUp,
  runDailyAggregation,
  runLiveAggregation,
  type JobLogger,
} from '../src/jobs/levelMetricsAggregation.ts';
import { backend, createTestDatabase, type TestDatabase } from './support/database.ts';
import { levelEvent as ev } from './support/levelEvents.ts';

const now = new Date('2025-06-10T12:00:00Z');
const today = '2025-06-10';
/** Aggregated, then it receives a late event: stale. */
const staleDay = '2025-06-07';
/** Never aggregated: missing. */
const missingDay = '2025-06-08';

let database: TestDatabase;

/** A logger that keeps what the job logs. */
function recordingLog() {
  const lines: { level: 'info' | 'error'; fields: Record<string, unknown>; message: string }[] = [];
  const log: JobLogger = {
    info: (fields, message) => lines.push({ level: 'info', fields: { ...fields }, message }),
    error: (fields, message) => lines.push({ level: 'error', fields: { ...fields }, message }),
  };
  return { log, lines };
}

async function expectRollupEqualsLegacy(gameId: string, startDate: string, endDate: string) {
  const result = await validateFunnel(database.db, { gameId, startDate, endDate, filters: {} });
  expect(result.differences).toEqual([]);
  expect(result.fast.levels.length).toBeGreaterThan(0);
  return result.fast.meta;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await storeEvents(database.db, [
    ev('a', 'level_start', 1, `${staleDay}T08:00:00Z`),
    ev('a', 'level_complete', 1, `${staleDay}T08:01:00Z`, { props: { duration: 9 } }),
    ev('b', 'level_start', 1, `${missingDay}T08:00:00Z`),
    ev('b', 'level_failed', 1, `${missingDay}T08:02:00Z`, { props: { egp: 2 } }),
    ev('c', 'level_start', 2, `${today}T07:00:00Z`),
  ]);
  await aggregateDailyMetrics(database.db, 'fixture', staleDay);
  await storeEvents(database.db, [ev('d', 'level_start', 1, `${staleDay}T23:59:59Z`)]);
});

afterAll(async () => {
  await database?.drop();
});

describe(`the daily job (${backend})`, () => {
  it('aggregates the stale and the missing day before today, and leaves today alone', async () => {
    const { log, lines } = recordingLog();

    const summary = await runDailyAggregation(database.db, log, now);

    expect(summary).toMatchObject({ days: 2, failed: 0, events: 5, rows: 2 });
    expect(lines.map((l) => [l.level, l.fields.date, l.fields.state])).toEqual([
      ['info', staleDay, 'stale'],
      ['info', missingDay, 'missing'],
    ]);
    const meta = await expectRollupEqualsLegacy('fixture', staleDay, missingDay);
    expect(meta).toMatchObject({ rollupDays: [staleDay, missingDay], liveDays: [], rawDays: [] });
    expect(await findDaysToAggregate(database.db, { through: today })).toEqual([
      { gameId: 'fixture', date: today, state: 'missing' },
    ]);
  });

  it('does nothing when run again', async () => {
    const { log, lines } = recordingLog();

    const summary = await runDailyAggregation(database.db, log, now);

    expect(summary).toMatchObject({ days: 0, failed: 0, events: 0, rows: 0 });
    expect(lines).toEqual([]);
  });
});

describe(`the live job (${backend})`, () => {
  it("aggregates today's events", async () => {
    const { log } = recordingLog();

    const summary = await runLiveAggregation(database.db, log, now);

    expect(summary).toMatchObject({ days: 1, failed: 0, events: 1, rows: 1 });
    const meta = await expectRollupEqualsLegacy('fixture', today, today);
    expect(meta.rollupDays).toEqual([today]);
  });
});

describe(`two catch-ups at once (${backend})`, () => {
  it('leave the rollup equal to the raw events', async () => {
    const events = generateEvents({ gameId: 'concurrent', users: 100, days: 6, seed: 'jobs', now });
    await storeEvents(database.db, [...events]);
    const first = recordingLog();
    const second = recordingLog();

    const summaries = await Promise.all([
      catchUp(database.db, { through: today, gameId: 'concurrent' }, first.log),
      catchUp(database.db, { through: today, gameId: 'concurrent' }, second.log),
    ]);

    expect(summaries.map((s) => s.failed)).toEqual([0, 0]);
    expect(summaries[0].days + summaries[1].days).toBeGreaterThanOrEqual(6);
    const meta = await expectRollupEqualsLegacy('concurrent', '2025-06-05', today);
    expect(meta).toMatchObject({ liveDays: [], rawDays: [] });
    expect(meta.rollupDays).toHaveLength(6);
    expect(await findDaysToAggregate(database.db, { through: today })).toEqual([]);
  });
});
