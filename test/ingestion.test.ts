import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { openDatabase, query } from '../src/db/connection.ts';
import { levelEvents as levelEventsTable } from '../src/db/schema.ts';
import { buildApp } from '../src/server/app.ts';
import { createTestDatabase, backend, type TestDatabase } from './support/database.ts';
import { levelEvent, levelEvents, type SentEvent } from './support/events.ts';

let database: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp({ database, logLevel: 'silent' });
});

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

function post(body: unknown, headers: Record<string, string> = {}) {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const allHeaders = { 'content-type': 'application/json', ...headers };
  return app.inject({ method: 'POST', url: '/api/events', payload, headers: allHeaders });
}

async function rowCount(): Promise<number> {
  const [row] = await query<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from level_events`,
  );
  return row.n;
}

async function storedRow(eventId: string) {
  const rows = await database.db
    .select()
    .from(levelEventsTable)
    .where(eq(levelEventsTable.eventId, eventId));
  expect(rows).toHaveLength(1);
  return rows[0];
}

/** The row an event must become: dimensions it lacks are 'unknown' / -1. */
function expectedRow(sent: SentEvent) {
  const p = sent.properties as {
    levelId: number;
    boosters?: object;
    egp?: number;
    duration?: number;
  };
  return {
    gameId: sent.gameId,
    eventId: sent.eventId ?? null,
    userId: sent.userId,
    sessionId: sent.sessionId,
    eventName: sent.eventName,
    levelId: p.levelId,
    properties: p,
    boosterUsed: p.boosters !== undefined && Object.keys(p.boosters).length > 0,
    egp: p.egp ?? null,
    durationMs: p.duration === undefined ? null : Math.round(p.duration * 1000),
    platform: sent.platform,
    countryCode: sent.countryCode ?? 'unknown',
    appVersion: sent.appVersion ?? 'unknown',
    levelFunnel: sent.levelFunnel ?? 'unknown',
    levelFunnelVersion: sent.levelFunnelVersion ?? -1,
  };
}

describe(`POST /api/events stores valid events as sent (${backend})`, () => {
  const shapes: [string, SentEvent][] = [
    ['every optional field present', levelEvent()],
    [
      'every optional field absent',
      levelEvent({
        eventId: 'no-optionals',
        properties: { levelId: 0 },
        countryCode: undefined,
        appVersion: undefined,
        levelFunnel: undefined,
        levelFunnelVersion: undefined,
      }),
    ],
    [
      'null dimensions',
      levelEvent({
        countryCode: null,
        appVersion: null,
        levelFunnel: null,
        levelFunnelVersion: null,
      }),
    ],
    ['empty boosters and egp 0', levelEvent({ properties: { levelId: 3, boosters: {}, egp: 0 } })],
    [
      'extra property keys',
      levelEvent({
        eventName: 'level_failed',
        properties: { levelId: 9, egp: 2, duration: 3.1416, hint: 'used', moves: [1, 2] },
      }),
    ],
    ['a createdAt with an offset', levelEvent({ createdAt: '2025-03-01T23:30:00.250+02:00' })],
    ['a level_start', levelEvent({ eventName: 'level_start', properties: { levelId: 1 } })],
  ];

  it.each(shapes)('stores an event with %s field by field', async (_, sent) => {
    const before = Date.now();
    const response = await post([sent]);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ accepted: 1, duplicates: 0 });

    const row = await storedRow(sent.eventId as string);
    expect(row).toMatchObject(expectedRow(sent));
    expect(row.createdAt.getTime()).toBe(Date.parse(sent.createdAt as string));
    expect(row.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('accepts a createdAt up to 24 h ahead of the server clock', async () => {
    const createdAt = new Date(Date.now() + 23 * 3600_000).toISOString();
    const response = await post([levelEvent({ createdAt })]);
    expect(response.statusCode).toBe(200);
  });

  it('stores a repeated eventId once, in one batch and across batches', async () => {
    const [a, b] = levelEvents(2);
    const first = await post([a, a]);
    expect(first.json()).toEqual({ accepted: 1, duplicates: 1 });
    const second = await post([a, b]);
    expect(second.json()).toEqual({ accepted: 1, duplicates: 1 });
    await storedRow(a.eventId as string);
    await storedRow(b.eventId as string);
  });

  it('never counts events without an eventId as duplicates', async () => {
    const anonymous = levelEvent({ eventId: undefined });
    const response = await post([anonymous, anonymous]);
    expect(response.json()).toEqual({ accepted: 2, duplicates: 0 });
  });
});

describe(`POST /api/events rejects a batch with any invalid event (${backend})`, () => {
  const invalid: [string, SentEvent, string, string][] = [
    ['a wrong type', levelEvent({ userId: 42 }), 'userId', 'must be a string'],
    ['a missing field', levelEvent({ sessionId: undefined }), 'sessionId', 'is required'],
    [
      'an unknown eventName',
      levelEvent({ eventName: 'level_quit' }),
      'eventName',
      'must be one of level_start, level_complete, level_failed',
    ],
    [
      'a negative levelId',
      levelEvent({ properties: { levelId: -1 } }),
      'properties.levelId',
      'must be 0 or more',
    ],
    [
      'a non-integer levelId',
      levelEvent({ properties: { levelId: 1.5 } }),
      'properties.levelId',
      'must be an integer',
    ],
    [
      'boosters that are not an object',
      levelEvent({ properties: { levelId: 1, boosters: 'hammer' } }),
      'properties.boosters',
      'must be an object of booster type to number',
    ],
    [
      'a createdAt that is not ISO-8601',
      levelEvent({ createdAt: '14/03/2025 09:26' }),
      'createdAt',
      'must be an ISO-8601 timestamp with offset',
    ],
    [
      'a createdAt more than 24 h ahead',
      levelEvent({ createdAt: new Date(Date.now() + 25 * 3600_000).toISOString() }),
      'createdAt',
      'lies more than 24 h ahead of the server clock',
    ],
    [
      'a levelId beyond a PostgreSQL integer',
      levelEvent({ properties: { levelId: 3e9 } }),
      'properties.levelId',
      'must be at most 2147483647',
    ],
    [
      'a duration of more than a year',
      levelEvent({ properties: { levelId: 1, duration: 1e17 } }),
      'properties.duration',
      'must be at most 31536000 seconds',
    ],
    [
      'a NUL character in a string',
      levelEvent({ userId: 'a\u0000b' }),
      'userId',
      'must not contain the NUL character (\\u0000)',
    ],
    [
      'a NUL character inside properties',
      levelEvent({ properties: { levelId: 1, note: 'x\u0000' } }),
      'properties',
      'must not contain the NUL character (\\u0000)',
    ],
    [
      'an event that is not an object',
      'level_start' as unknown as SentEvent,
      '(event)',
      'must be an object',
    ],
  ];

  it.each(invalid)(
    'rejects %s at its index and path, storing nothing',
    async (_, bad, path, message) => {
      const before = await rowCount();
      const batch = levelEvents(5);
      batch[2] = bad;

      const response = await post(batch);

      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({
        error: {
          code: 'invalid_events',
          message: '1 of 5 events are invalid; nothing was stored',
          details: [{ index: 2, path, message }],
        },
      });
      expect(await rowCount()).toBe(before);
    },
  );

  it('lists every problem of every invalid event', async () => {
    const batch = levelEvents(4);
    batch[0] = levelEvent({ userId: '', platform: undefined });
    batch[3] = levelEvent({ properties: { levelId: 2, egp: -1 } });

    const response = await post(batch);

    expect(response.json().error.details).toEqual([
      { index: 0, path: 'userId', message: 'must be a non-empty string' },
      { index: 0, path: 'platform', message: 'is required' },
      { index: 3, path: 'properties.egp', message: 'must be 0 or more' },
    ]);
    expect(response.json().error.message).toBe('2 of 4 events are invalid; nothing was stored');
  });

  const badBodies: [string, string, number, string, string][] = [
    ['a body that is not JSON', '[{"userId": ', 400, 'invalid_json', 'body is not JSON'],
    ['an empty array', '[]', 400, 'invalid_request', 'body: must contain at least one event'],
    [
      'a body that is not an array',
      JSON.stringify(levelEvent()),
      400,
      'invalid_request',
      'body: must be a JSON array of events',
    ],
    [
      'more than 10,000 events',
      JSON.stringify(Array.from({ length: 10_001 }, () => ({}))),
      400,
      'invalid_request',
      'body: must contain at most 10000 events; split larger batches',
    ],
    [
      'a body over 10 MB',
      `["${'x'.repeat(10 * 1024 * 1024)}"]`,
      413,
      'body_too_large',
      'Request body is too large',
    ],
  ];

  it.each(badBodies)('rejects %s', async (_, body, status, code, message) => {
    const before = await rowCount();

    const response = await post(body);

    expect(response.statusCode).toBe(status);
    expect(Object.keys(response.json())).toEqual(['error']);
    expect(response.json().error).toMatchObject({ code, message });
    expect(response.body).not.toContain('stack');
    expect(await rowCount()).toBe(before);
  });
});

describe(`POST /api/events beside other writers (${backend})`, () => {
  const day = (d: number) => `2025-02-0${d}T12:00:00Z`;
  const dayRow = (d: number) =>
    sql`update level_event_days set event_count = event_count
        where game_id = 'locks' and date = ${`2025-02-0${d}`}`;

  // Only PostgreSQL runs two transactions at once.
  it.skipIf(backend === 'pglite')(
    'stores the batch again when PostgreSQL rolls it back as a deadlock victim',
    async () => {
      await post(levelEvents(2, (i) => ({ gameId: 'locks', createdAt: day(i + 1) })));
      const batch = levelEvents(2, (i) => ({ gameId: 'locks', createdAt: day(i + 1) }));
      let posted: Promise<Awaited<ReturnType<typeof post>>> | undefined;

      // Holds day 2, lets the batch take day 1 and wait for day 2, then asks for day 1.
      await database.db.transaction(async (tx) => {
        await query(tx, dayRow(2));
        // inject() sends when its result is awaited or then'd.
        posted = post(batch).then((response) => response);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await query(tx, dayRow(1));
      });
      const response = await posted!;

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ accepted: 2, duplicates: 0 });
    },
  );
});

describe(`an auth token guards POST /api/events (${backend})`, () => {
  let guarded: FastifyInstance;
  const token = 'test-token-0123456789';

  beforeAll(async () => {
    guarded = await buildApp({ database, logLevel: 'silent', authToken: token });
  });
  afterAll(() => guarded?.close());

  function postGuarded(headers: Record<string, string>) {
    const payload = JSON.stringify([levelEvent()]);
    const all = { 'content-type': 'application/json', ...headers };
    return guarded.inject({ method: 'POST', url: '/api/events', payload, headers: all });
  }

  it('answers 401 without a token, storing nothing', async () => {
    const before = await rowCount();
    const response = await postGuarded({});
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthorized');
    expect(await rowCount()).toBe(before);
  });

  it('answers 401 with a wrong token', async () => {
    const response = await postGuarded({ authorization: 'Bearer not-the-token' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthorized');
  });

  it('stores the events with the right token', async () => {
    const response = await postGuarded({ authorization: `Bearer ${token}` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ accepted: 1, duplicates: 0 });
  });

  it('leaves GET /health open', async () => {
    const response = await guarded.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', database: backend });
  });
});

describe(`errors outside the event routes (${backend})`, () => {
  it('answers a failure inside a handler with a 500 that hides its message', async () => {
    const fresh = await buildApp({ database, logLevel: 'silent' });
    fresh.get('/fails', async () => {
      throw new Error('connection string postgres://secret@db');
    });

    const response = await fresh.inject({ method: 'GET', url: '/fails' });
    await fresh.close();

    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error: { code: 'internal_error', message: 'internal server error' },
    });
  });

  it('answers /health with 503 when the database does not answer', async () => {
    const closed = await openDatabase({ dataDir: 'memory://' });
    const unhealthy = await buildApp({ database: closed, logLevel: 'silent' });
    await closed.close();

    const response = await unhealthy.inject({ method: 'GET', url: '/health' });
    await unhealthy.close();

    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      error: { code: 'database_unavailable', message: 'the database does not answer' },
    });
  });

  it('answers an unknown route with a 404 in the error format', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/nothing?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'not_found', message: 'no route GET /api/nothing' },
    });
  });
});
