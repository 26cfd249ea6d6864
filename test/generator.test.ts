import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query, type Db } from '../src/db/connection.ts';
import { checkEvent, type LevelEvent } from '../src/events/eventSchema.ts';
import {
  generateEvents,
  loadGeneratedEvents,
  type GenerateOptions,
} from '../src/generator/index.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const now = new Date('2025-06-15T15:30:00.000Z');
const small: GenerateOptions = { gameId: 'puzzle', users: 300, days: 5, seed: 'seven', now };

function hashOf(events: Iterable<LevelEvent>): string {
  const hash = createHash('sha256');
  for (const event of events) hash.update(`${JSON.stringify(event)}\n`);
  return hash.digest('hex');
}

const countWhere = (events: LevelEvent[], test: (e: LevelEvent) => boolean) =>
  events.filter(test).length;

describe('generateEvents', () => {
  const events = [...generateEvents(small)];

  it('gives the same events for the same seed and now, other events for another seed', () => {
    expect(hashOf(generateEvents(small))).toBe(hashOf(events));
    expect(hashOf(generateEvents({ ...small, seed: 'eight' }))).not.toBe(hashOf(events));
  });

  it('produces only events that pass validation', () => {
    const rejected = events.filter((e) => !('event' in checkEvent(e, now.getTime())));
    expect(rejected).toEqual([]);
  });

  it('gives every event its own id and keeps each session to one player', () => {
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
    const players = new Map(events.map((e) => [e.sessionId, e.userId]));
    expect(countWhere(events, (e) => players.get(e.sessionId) !== e.userId)).toBe(0);
  });

  it('spans exactly the requested UTC days, today included, and nothing after now', () => {
    const days = new Set(events.map((e) => e.createdAt.slice(0, 10)));
    expect([...days].sort()).toEqual([
      '2025-06-11',
      '2025-06-12',
      '2025-06-13',
      '2025-06-14',
      '2025-06-15',
    ]);
    expect(countWhere(events, (e) => Date.parse(e.createdAt) > now.getTime())).toBe(0);
  });

  it('has all its players, who drop off down the funnel', () => {
    const players = new Set(events.map((e) => e.userId));
    expect(players.size).toBeLessThanOrEqual(small.users);
    expect(players.size).toBeGreaterThanOrEqual(small.users * 0.95);
    const at = (name: string, level: number) =>
      countWhere(events, (e) => e.eventName === name && e.properties.levelId === level);
    expect(at('level_start', 1)).toBeGreaterThan(at('level_complete', 10));
  });

  it('covers every platform and both level-funnel variants', () => {
    expect(new Set(events.map((e) => e.platform))).toEqual(new Set(['android', 'ios', 'web']));
    const variants = new Set(events.map((e) => e.levelFunnel).filter((f) => f != null));
    expect(variants).toEqual(new Set(['A', 'B']));
  });

  it('has boosters, paid extra plays on fails, and gaps in the dimensions', () => {
    const boosted = (e: LevelEvent) => Object.keys(e.properties.boosters ?? {}).length > 0;
    expect(countWhere(events, boosted)).toBeGreaterThan(0);
    const egp = (e: LevelEvent) => e.eventName === 'level_failed' && (e.properties.egp ?? 0) > 0;
    expect(countWhere(events, egp)).toBeGreaterThan(0);
    expect(countWhere(events, (e) => e.countryCode == null)).toBeGreaterThan(0);
  });

  it.each([2_000, 20_000])('lands within a tenth of %i events when asked', (target) => {
    let count = 0;
    for (const _ of generateEvents({ ...small, events: target })) count++;
    expect(Math.abs(count - target)).toBeLessThanOrEqual(target * 0.1);
  });
});

describe('loadGeneratedEvents', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('stores every generated event once and counts them per day', async () => {
    const generated = [...generateEvents(small)].length;
    const result = await loadGeneratedEvents(database.db, small);
    const [row] = await query<{ events: number; days: number }>(
      database.db,
      sql`select (select count(*) from level_events)::int as events,
                 (select sum(event_count) from level_event_days)::int as days`,
    );
    expect(result.events).toBe(generated);
    expect(row).toEqual({ events: generated, days: generated });
  });

  it('stores nothing new when the same events are loaded again', async () => {
    const result = await loadGeneratedEvents(database.db, small);
    expect(result.stored).toBe(0);
  });

  it('stores a chunk again after PostgreSQL rolled it back on a deadlock', async () => {
    const options = { ...small, gameId: 'retried' };
    const generated = [...generateEvents(options)].length;
    let failures = 0;
    const flaky = Object.create(database.db) as Db;
    flaky.transaction = ((run: never) => {
      if (failures++ > 0) return database.db.transaction(run);
      return Promise.reject(new Error('failed query', { cause: { code: '40P01' } }));
    }) as Db['transaction'];
    const result = await loadGeneratedEvents(flaky, options);
    const [row] = await query<{ events: number }>(
      database.db,
      sql`select count(*)::int as events from level_events where game_id = 'retried'`,
    );
    expect(result.stored).toBe(generated);
    expect(row.events).toBe(generated);
  });

  it('fails with a short message naming the cause on any other error', async () => {
    const broken = Object.create(database.db) as Db;
    broken.transaction = (() =>
      Promise.reject(
        new Error(`Failed query: ${'x'.repeat(5000)}`, { cause: new Error('disk full') }),
      )) as Db['transaction'];
    await expect(loadGeneratedEvents(broken, small)).rejects.toThrow(
      /^storing \d+ generated events failed: disk full$/,
    );
  });
});
