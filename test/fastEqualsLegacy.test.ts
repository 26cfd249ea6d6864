import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillHistorical } from '../src/aggregation/aggregationService.ts';
import { addDays, utcDay } from '../src/aggregation/days.ts';
import type { LevelEvent } from '../src/events/eventSchema.ts';
import { storeEvents } from '../src/events/storeEvents.ts';
import type { FunnelFilters } from '../src/funnel/filters.ts';
import { validateFunnel } from '../src/funnel/funnelService.ts';
import { generateEvents } from '../src/generator/generateEvents.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const gameId = 'generated';
// Midday, so that the three hours held back as live events stay within today.
const now = new Date('2026-11-30T12:00:00Z');
const today = utcDay(now);
const first = addDays(today, -29);
const lateDay = addDays(today, -5);
const unaggregatedDay = addDays(today, -10);
const deltaCut = new Date(now.getTime() - 3 * 60 * 60 * 1000).toISOString();

let database: TestDatabase;
let common: Required<{ [K in keyof FunnelFilters]: NonNullable<FunnelFilters[K]> }>;

/** Most frequent values of each dimension, to filter on. */
function commonValues(events: LevelEvent[]) {
  const top = (pick: (e: LevelEvent) => string | number | null | undefined, n: number) => {
    const counts = new Map<string | number, number>();
    for (const e of events) {
      const v = pick(e);
      if (v !== null && v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    return [...counts.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([v]) => v);
  };
  return {
    platform: top((e) => e.platform, 2) as string[],
    countryCode: top((e) => e.countryCode, 3) as string[],
    appVersion: top((e) => e.appVersion, 2) as string[],
    levelFunnel: top((e) => e.levelFunnel, 1) as string[],
    levelFunnelVersion: top((e) => e.levelFunnelVersion, 1) as number[],
  };
}

beforeAll(async () => {
  database = await createTestDatabase();
  const events = [...generateEvents({ gameId, users: 400, days: 30, seed: 'equal', now })];
  common = commonValues(events);
  // Held back until after the aggregation: the end of today, and every fifth event of a past
  // day, which then arrive as live and late events.
  const heldBack = (e: LevelEvent, i: number) =>
    e.createdAt >= deltaCut || (e.createdAt.startsWith(lateDay) && i % 5 === 0);
  await storeEvents(
    database.db,
    events.filter((e, i) => !heldBack(e, i)),
  );
  await backfillHistorical(database.db, gameId, first, addDays(unaggregatedDay, -1));
  await backfillHistorical(database.db, gameId, addDays(unaggregatedDay, 1), today);
  await storeEvents(database.db, events.filter(heldBack));
}, 120_000);

afterAll(async () => {
  await database.drop();
});

async function expectEqual(startDate: string, endDate: string, filters: FunnelFilters = {}) {
  const result = await validateFunnel(database.db, { gameId, startDate, endDate, filters });
  expect(result.differences).toEqual([]);
  return result;
}

describe('the fast read equals the legacy read on generated data', () => {
  it('over 30 days including today, from rollup, live and raw days', async () => {
    const { fast, legacy } = await expectEqual(first, today);
    expect(fast.levels.length).toBeGreaterThan(5);
    expect(fast.levels).toEqual(legacy.levels);
    expect(fast.meta.liveDays).toEqual([lateDay, today]);
    expect(fast.meta.rawDays).toEqual([unaggregatedDay]);
    expect(fast.meta.rollupDays).toHaveLength(27);
  });

  it('for a single past day', async () => {
    const { fast } = await expectEqual(addDays(today, -2), addDays(today, -2));
    expect(fast.meta.rollupDays).toEqual([addDays(today, -2)]);
    expect(fast.levels[0].starts).toBeGreaterThan(0);
  });

  it('for 7 days', async () => {
    await expectEqual(addDays(today, -8), addDays(today, -2));
  });

  it('for today alone', async () => {
    const { fast } = await expectEqual(today, today);
    expect(fast.meta.liveDays).toEqual([today]);
  });

  it('for a day that received late events after its aggregation', async () => {
    const { fast } = await expectEqual(lateDay, lateDay);
    expect(fast.meta.liveDays).toEqual([lateDay]);
  });

  it('for a range where the rollup lacks a day', async () => {
    const { fast } = await expectEqual(addDays(unaggregatedDay, -2), addDays(unaggregatedDay, 2));
    expect(fast.meta.rawDays).toEqual([unaggregatedDay]);
  });

  it('for each filter alone', async () => {
    for (const name of Object.keys(common) as (keyof typeof common)[]) {
      const { fast } = await expectEqual(first, today, { [name]: common[name].slice(0, 1) });
      expect(fast.levels.length).toBeGreaterThan(0);
    }
  });

  it('for all five filters together and several values of one', async () => {
    await expectEqual(first, today, common);
    await expectEqual(addDays(today, -6), today, {
      countryCode: common.countryCode,
      platform: common.platform.slice(0, 1),
    });
  });

  it('for a range with no data', async () => {
    const { fast } = await expectEqual('2020-01-01', '2020-01-31');
    expect(fast.levels).toEqual([]);
  });
});
