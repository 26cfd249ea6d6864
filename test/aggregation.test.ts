import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from '../src/db/connection.ts';
import {
  aggregateDailyMetrics,
  backfillHistorical,
  findDaysToAggregate,
  getGamesWithLevelEvents,
} from '../src/aggregation/aggregationService.ts';
import { storeEvents } from '../src/events/storeEvents.ts';
import { backend, createTestDatabase, type TestDatabase } from './support/database.ts';
import { levelEvent as ev } from './support/levelEvents.ts';

let database: TestDatabase;

const day = '2026-11-20';
const events = [
  ev('a', 'level_start', 1, `${day}T08:00:00Z`),
  ev('a', 'level_complete', 1, `${day}T08:01:00Z`, { props: { duration: 12 } }),
  ev('b', 'level_start', 1, `${day}T09:00:00Z`, { platform: 'android' }),
  ev('b', 'level_failed', 1, `${day}T09:01:00Z`, { platform: 'android', props: { egp: 1 } }),
  ev('c', 'level_start', 3, `${day}T10:00:00Z`, { countryCode: 'FR', gameId: 'other' }),
];

async function rollupRows(gameId: string, date: string) {
  return query<Record<string, unknown>>(
    database.db,
    sql`select level_id, level_funnel, level_funnel_version, platform, country_code,
          app_version, starts, completes, fails, started_players, completed_players,
          booster_used, egp_used, total_completion_duration::float8 as total_completion_duration,
          completion_count, total_fail_duration::float8 as total_fail_duration, fail_count
        from level_metrics_daily where game_id = ${gameId} and date = ${date}
        order by platform, level_id`,
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  await storeEvents(database.db, events);
});

afterAll(async () => {
  await database.drop();
});

describe('aggregating a day', () => {
  it('writes one row per level and dimension combination, with its counts', async () => {
    const result = await aggregateDailyMetrics(database.db, 'fixture', day);
    expect(result).toMatchObject({ gameId: 'fixture', date: day, events: 4, rows: 2 });
    expect(await rollupRows('fixture', day)).toEqual([
      {
        level_id: 1,
        level_funnel: 'A',
        level_funnel_version: 1,
        platform: 'android',
        country_code: 'US',
        app_version: '1.0',
        starts: 1,
        completes: 0,
        fails: 1,
        started_players: 1,
        completed_players: 0,
        booster_used: 0,
        egp_used: 1,
        total_completion_duration: 0,
        completion_count: 0,
        total_fail_duration: 0,
        fail_count: 0,
      },
      expect.objectContaining({
        platform: 'ios',
        starts: 1,
        completes: 1,
        started_players: 1,
        completed_players: 1,
        total_completion_duration: 12000,
        completion_count: 1,
      }),
    ]);
  });

  it('gives identical rows when run again', async () => {
    const before = await rollupRows('fixture', day);
    await aggregateDailyMetrics(database.db, 'fixture', day);
    expect(await rollupRows('fixture', day)).toEqual(before);
  });

  it('drops a combination that vanished from the raw events', async () => {
    await database.db.execute(
      sql`delete from level_events where game_id = 'fixture' and platform = 'android'`,
    );
    await aggregateDailyMetrics(database.db, 'fixture', day);
    const rows = await rollupRows('fixture', day);
    expect(rows.map((r) => r.platform)).toEqual(['ios']);
    const [coarse] = await query<{ starts: number }>(
      database.db,
      sql`select starts from level_metrics_daily_by_level where game_id = 'fixture'`,
    );
    expect(coarse.starts).toBe(1);
  });

  it('leaves correct rows when two aggregations of the same day start at once', async () => {
    const results = await Promise.all([
      aggregateDailyMetrics(database.db, 'other', day),
      aggregateDailyMetrics(database.db, 'other', day),
      aggregateDailyMetrics(database.db, 'other', day),
    ]);
    expect(results.map((r) => r.rows)).toEqual([1, 1, 1]);
    const rows = await rollupRows('other', day);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ level_id: 3, country_code: 'FR', starts: 1 });
  });
});

describe('knowing what the rollup covers', () => {
  it('lists games from stored events', async () => {
    expect(await getGamesWithLevelEvents(database.db)).toEqual(['fixture', 'other']);
  });

  it('finds missing and stale days, and none once they are aggregated', async () => {
    await storeEvents(database.db, [
      ev('d', 'level_start', 1, '2026-11-18T10:00:00Z'),
      ev('d', 'level_start', 1, `${day}T23:00:00Z`),
    ]);
    expect(await findDaysToAggregate(database.db, { through: day, gameId: 'fixture' })).toEqual([
      { gameId: 'fixture', date: '2026-11-18', state: 'missing' },
      { gameId: 'fixture', date: day, state: 'stale' },
    ]);
    const done = await backfillHistorical(database.db, 'fixture', '2026-11-18', day);
    expect(done.map((d) => [d.date, d.events])).toEqual([
      ['2026-11-18', 1],
      ['2026-11-19', 0],
      [day, 3],
    ]);
    expect(await findDaysToAggregate(database.db, { through: day })).toEqual([]);
  });
});

describe('aggregating a day while its first events are being stored', () => {
  // Needs two connections at once; PGlite has one, on which the two simply run in turn.
  it.skipIf(backend === 'pglite')('waits for the import and counts its events', async () => {
    const raceDay = '2026-11-25';
    const batch = [
      ev('r1', 'level_start', 1, `${raceDay}T10:00:00Z`, { gameId: 'race' }),
      ev('r2', 'level_start', 1, `${raceDay}T11:00:00Z`, { gameId: 'race' }),
    ];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let storedInTransaction!: () => void;
    const stored = new Promise<void>((resolve) => (storedInTransaction = resolve));
    const importing = database.db.transaction(async (tx) => {
      await storeEvents(tx, batch);
      storedInTransaction();
      await gate;
    });
    await stored;
    const aggregating = aggregateDailyMetrics(database.db, 'race', raceDay);
    // Give the aggregation time to reach the day's lock before the import commits.
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await importing;
    expect((await aggregating).events).toBe(2);
    expect(await findDaysToAggregate(database.db, { through: raceDay, gameId: 'race' })).toEqual(
      [],
    );
  });
});
