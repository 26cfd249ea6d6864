import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillHistorical } from '../src/aggregation/aggregationService.ts';
import type { LevelEvent } from '../src/events/eventSchema.ts';
import { storeEvents } from '../src/events/storeEvents.ts';
import { generateEvents } from '../src/generator/generateEvents.ts';
import { buildApp } from '../src/server/app.ts';
import { backend, createTestDatabase, type TestDatabase } from './support/database.ts';
import { levelEvent as ev } from './support/levelEvents.ts';

const D1 = '2025-03-10';
const D2 = '2025-03-11';

/**
 * Game 'fixture', small enough to count by hand. Level 1 over both days: 5 starts,
 * 3 completes, 1 fail; players 3 on D1 (u1, u2 and u3 each in its own combination) + 1 on D2.
 */
const fixture: LevelEvent[] = [
  ev('u1', 'level_start', 1, `${D1}T08:00:00Z`),
  ev('u1', 'level_failed', 1, `${D1}T08:01:00Z`, {
    props: { egp: 1, boosters: { hammer: 1 }, duration: 20 },
  }),
  ev('u1', 'level_start', 1, `${D1}T08:02:00Z`),
  ev('u1', 'level_complete', 1, `${D1}T08:03:00Z`, { props: { duration: 30 } }),
  ev('u1', 'level_start', 2, `${D1}T08:04:00Z`),
  ev('u2', 'level_start', 1, `${D1}T09:00:00Z`, { platform: 'android' }),
  ev('u2', 'level_complete', 1, `${D1}T09:01:00Z`, {
    platform: 'android',
    props: { duration: 10, boosters: {} },
  }),
  ev('u3', 'level_start', 1, `${D1}T10:00:00Z`, { countryCode: 'DE', levelFunnelVersion: null }),
  ev('u1', 'level_start', 1, `${D2}T08:00:00Z`),
  ev('u1', 'level_complete', 1, `${D2}T08:01:00Z`, { props: { duration: 15 } }),
];

const levelOne = {
  levelId: 1,
  starts: 5,
  completes: 3,
  fails: 1,
  startedPlayers: 4,
  completedPlayers: 3,
  boosterUsed: 1,
  egpUsed: 1,
  totalCompletionDuration: 55_000,
  completionCount: 3,
  totalFailDuration: 20_000,
  failCount: 1,
  winRate: 75,
  failRate: 25,
  completionRate: 75,
  apsRaw: 5 / 3,
  apsClean: 0.75,
  attemptsPerCompletion: 4 / 3,
  boosterUsage: 25,
  egpRate: 100,
  funnelRate: 75,
  avgCompletionDuration: 55_000 / 3 / 1000,
  avgFailDuration: 20,
};

const levelTwo = {
  levelId: 2,
  starts: 1,
  completes: 0,
  fails: 0,
  startedPlayers: 1,
  completedPlayers: 0,
  boosterUsed: 0,
  egpUsed: 0,
  totalCompletionDuration: 0,
  completionCount: 0,
  totalFailDuration: 0,
  failCount: 0,
  winRate: null,
  failRate: null,
  completionRate: 0,
  apsRaw: null,
  apsClean: null,
  attemptsPerCompletion: null,
  boosterUsage: null,
  egpRate: null,
  funnelRate: 0,
  avgCompletionDuration: null,
  avgFailDuration: null,
};

/**
 * Game 'generated', 10 days ending at NOW. The rollup lacks RAW_DAY; LATE_DAY and the last day
 * received events after their aggregation.
 */
const NOW = new Date('2025-03-20T15:00:00Z');
const RAW_DAY = '2025-03-15';
const LATE_DAY = '2025-03-17';
const LAST_DAY = '2025-03-20';
const generated = [
  ...generateEvents({ gameId: 'generated', users: 150, days: 10, seed: 'api', now: NOW }),
];

const token = 'api-test-token';
let database: TestDatabase;
let app: FastifyInstance;
let guarded: FastifyInstance;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp({ database, logLevel: 'silent' });
  guarded = await buildApp({ database, logLevel: 'silent', authToken: token });
  await storeEvents(database.db, fixture);
  const heldBack = (e: LevelEvent, i: number) =>
    e.createdAt >= `${LAST_DAY}T12:00:00Z` || (e.createdAt.startsWith(LATE_DAY) && i % 5 === 0);
  await storeEvents(
    database.db,
    generated.filter((e, i) => !heldBack(e, i)),
  );
  await backfillHistorical(database.db, 'generated', '2025-03-11', '2025-03-14');
  await backfillHistorical(database.db, 'generated', '2025-03-16', LAST_DAY);
  await storeEvents(database.db, generated.filter(heldBack));
});

afterAll(async () => {
  await app?.close();
  await guarded?.close();
  await database?.drop();
});

function get(url: string, target = app) {
  return target.inject({ method: 'GET', url });
}

function postAggregation(body: unknown, headers: Record<string, string> = {}, target = app) {
  return target.inject({
    method: 'POST',
    url: '/api/aggregations',
    payload: body as object,
    headers,
  });
}

function funnelUrl(gameId: string, query: string, path = 'level-funnel') {
  return `/api/games/${encodeURIComponent(gameId)}/${path}?${query}`;
}

describe(`GET /api/games (${backend})`, () => {
  it('lists each game with level events, its first and last day and its event count', async () => {
    const response = await get('/api/games');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      games: [
        { gameId: 'fixture', firstDay: D1, lastDay: D2, events: 10 },
        {
          gameId: 'generated',
          firstDay: '2025-03-11',
          lastDay: LAST_DAY,
          events: generated.length,
        },
      ],
    });
  });
});

describe(`GET /api/games/:gameId/level-funnel (${backend})`, () => {
  it('answers with the fields of DESIGN §6 and every count and metric per level', async () => {
    const response = await get(funnelUrl('fixture', `startDate=${D1}&endDate=${D2}`));

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(
      ['endDate', 'filters', 'gameId', 'levels', 'meta', 'startDate'].sort(),
    );
    expect(Object.keys(body.levels[0]).sort()).toEqual(Object.keys(levelOne).sort());
    expect(Object.keys(body.meta).sort()).toEqual(
      ['asOf', 'liveDays', 'mode', 'ms', 'playerCounts', 'rawDays', 'rollupDays'].sort(),
    );
  });

  it('counts the hand-made fixture exactly, in both modes', async () => {
    for (const mode of ['fast', 'legacy']) {
      const response = await get(
        funnelUrl('fixture', `startDate=${D1}&endDate=${D2}&mode=${mode}`),
      );

      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({ gameId: 'fixture', startDate: D1, endDate: D2, filters: {} });
      expect(body.levels).toEqual([levelOne, levelTwo]);
      expect(body.meta.mode).toBe(mode);
      expect(body.meta.playerCounts).toContain('summed over the days');
    }
  });

  it('applies comma-separated filters, and reads levelFunnelVersion=unknown as the missing one', async () => {
    const android = (
      await get(funnelUrl('fixture', `startDate=${D1}&endDate=${D2}&platform=android`))
    ).json();
    expect(android.filters).toEqual({ platform: ['android'] });
    expect(android.levels).toEqual([
      expect.objectContaining({ levelId: 1, starts: 1, completes: 1, fails: 0, boosterUsed: 0 }),
    ]);

    const unknown = (
      await get(funnelUrl('fixture', `startDate=${D1}&endDate=${D1}&levelFunnelVersion=unknown`))
    ).json();
    expect(unknown.filters).toEqual({ levelFunnelVersion: [-1] });
    expect(unknown.levels).toEqual([
      expect.objectContaining({ levelId: 1, starts: 1, startedPlayers: 1, completes: 0 }),
    ]);

    const both = (
      await get(funnelUrl('fixture', `startDate=${D1}&endDate=${D2}&countryCode=US,DE`))
    ).json();
    expect(both.filters).toEqual({ countryCode: ['US', 'DE'] });
    expect(both.levels).toEqual([levelOne, levelTwo]);
  });

  it('answers an unknown game with 200 and no levels', async () => {
    const response = await get(funnelUrl('no-such-game', `startDate=${D1}&endDate=${D2}`));

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ gameId: 'no-such-game', levels: [] });
  });
});

/** The five filters' most frequent values in the generated events. */
function topValues<K extends 'platform' | 'countryCode' | 'appVersion'>(key: K, n: number) {
  const counts = new Map<string, number>();
  for (const e of generated) counts.set(e[key] ?? '', (counts.get(e[key] ?? '') ?? 0) + 1);
  return [...counts.entries()]
    .filter(([value]) => value !== '')
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([value]) => value);
}

describe(`fast and legacy agree through the API on generated data (${backend})`, () => {
  const cases: [string, string][] = [
    ['all ten days', 'startDate=2025-03-11&endDate=2025-03-20'],
    ['the unaggregated day alone', `startDate=${RAW_DAY}&endDate=${RAW_DAY}`],
    [
      'the late and last days with two platforms',
      `startDate=${LATE_DAY}&endDate=${LAST_DAY}&platform=ios,android`,
    ],
    [
      'all days with four filters',
      `startDate=2025-03-11&endDate=${LAST_DAY}&countryCode=${topValues('countryCode', 3)}` +
        `&appVersion=${topValues('appVersion', 2)}&levelFunnelVersion=1,unknown&platform=ios`,
    ],
  ];

  it.each(cases)('for %s', async (_name, query) => {
    const fast = await get(funnelUrl('generated', `${query}&mode=fast`));
    const legacy = await get(funnelUrl('generated', `${query}&mode=legacy`));
    const validation = await get(funnelUrl('generated', query, 'level-funnel/validate'));

    expect([fast.statusCode, legacy.statusCode, validation.statusCode]).toEqual([200, 200, 200]);
    expect(fast.json().levels.length).toBeGreaterThan(0);
    expect(fast.json().levels).toEqual(legacy.json().levels);
    expect(validation.json()).toMatchObject({ equal: true, differences: [] });
    expect(validation.json().fast.levels).toEqual(fast.json().levels);
  });

  it('reads the rollup, the live delta and raw events for the days that need each', async () => {
    const meta = (await get(funnelUrl('generated', cases[0][1]))).json().meta;

    expect(meta.rawDays).toEqual([RAW_DAY]);
    expect(meta.liveDays).toEqual([LATE_DAY, LAST_DAY]);
    expect(meta.rollupDays).toEqual([
      '2025-03-11',
      '2025-03-12',
      '2025-03-13',
      '2025-03-14',
      '2025-03-16',
      '2025-03-18',
      '2025-03-19',
    ]);
  });
});

describe(`POST /api/aggregations (${backend})`, () => {
  it('aggregates a range of one game, each day with its events and rows', async () => {
    const response = await postAggregation({ gameId: 'fixture', from: D1, to: D2 });

    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      days: [
        { gameId: 'fixture', date: D1, events: 8, rows: 4 },
        { gameId: 'fixture', date: D2, events: 2, rows: 1 },
      ],
      events: 10,
      rows: 5,
    });
    expect(body.days.every((d: { ms: unknown }) => typeof d.ms === 'number')).toBe(true);
    const after = (await get(funnelUrl('fixture', `startDate=${D1}&endDate=${D2}`))).json();
    expect(after.meta.rollupDays).toEqual([D1, D2]);
    expect(after.levels).toEqual([levelOne, levelTwo]);
  });

  it('aggregates one day given as date', async () => {
    const response = await postAggregation({ gameId: 'fixture', date: D2 });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      days: [{ gameId: 'fixture', date: D2, events: 2, rows: 1 }],
      events: 2,
      rows: 1,
    });
  });
});

describe(`400 answers name the parameter (${backend})`, () => {
  const range = `startDate=${D1}&endDate=${D2}`;
  const reads: [string, string, string][] = [
    [
      'a date that is not YYYY-MM-DD',
      'startDate=10.03.2025&endDate=2025-03-11',
      'querystring.startDate: must be a real calendar day as YYYY-MM-DD',
    ],
    [
      'a day that does not exist',
      'startDate=2026-02-01&endDate=2026-02-30',
      'querystring.endDate: must be a real calendar day as YYYY-MM-DD',
    ],
    ['a missing endDate', `startDate=${D1}`, 'querystring.endDate: is required'],
    [
      'an end before the start',
      `startDate=${D2}&endDate=${D1}`,
      'querystring.endDate: must not be before startDate',
    ],
    [
      'a range over 366 days',
      'startDate=2024-01-01&endDate=2025-01-01',
      'querystring.endDate: the range from startDate to endDate covers 367 days; at most 366 are allowed',
    ],
    ['an unknown mode', `${range}&mode=quick`, "querystring.mode: must be 'fast' or 'legacy'"],
    [
      'a levelFunnelVersion that is not an integer',
      `${range}&levelFunnelVersion=2,abc`,
      "querystring.levelFunnelVersion: 'abc' is not an integer or 'unknown'",
    ],
    [
      'too many filter values',
      `${range}&platform=${Array.from({ length: 51 }, (_, i) => `p${i}`)}`,
      'querystring.platform: takes at most 50 comma-separated values, got 51',
    ],
    ['an unknown parameter', `${range}&platfrom=ios`, "querystring: unknown parameter 'platfrom'"],
  ];

  it.each(reads)('for %s', async (_name, query, message) => {
    const response = await get(funnelUrl('fixture', query));

    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'invalid_request', message });
  });

  it('for a 366-day range: none, it is the longest allowed', async () => {
    const response = await get(funnelUrl('fixture', 'startDate=2024-01-01&endDate=2024-12-31'));
    expect(response.statusCode).toBe(200);
  });

  it('for the same errors on the validate route', async () => {
    const response = await get(
      funnelUrl('fixture', `startDate=${D2}&endDate=${D1}`, 'level-funnel/validate'),
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toBe('querystring.endDate: must not be before startDate');
  });

  it('for a game id over 200 characters', async () => {
    const response = await get(funnelUrl('g'.repeat(201), range));
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toBe('params.gameId: must be at most 200 characters');
  });

  const bodies: [string, unknown, string][] = [
    [
      'a body without date',
      { gameId: 'fixture' },
      'body.date: is required as YYYY-MM-DD, or from and to for a range',
    ],
    ['from after to', { from: D2, to: D1 }, 'body.to: must not be before from'],
    ['from without to', { from: D1 }, 'body.to: is required with from'],
    [
      'an impossible date',
      { date: '2025-02-29' },
      'body.date: must be a real calendar day as YYYY-MM-DD',
    ],
    [
      'a range over 366 days',
      { from: '2024-01-01', to: '2025-12-31' },
      'body.to: the range from from to to covers 731 days; at most 366 are allowed',
    ],
    [
      'date with from and to',
      { date: D1, from: D1, to: D2 },
      'body.date: give either date, or from and to, not both',
    ],
    ['a body that is not an object', [D1], 'body: must be a JSON object'],
  ];

  it.each(bodies)('for POST /api/aggregations with %s', async (_name, body, message) => {
    const response = await postAggregation(body);

    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'invalid_request', message });
  });
});

describe(`with AUTH_TOKEN set (${backend})`, () => {
  const body = { gameId: 'fixture', date: D1 };

  it('refuses POST /api/aggregations without a token', async () => {
    const response = await postAggregation(body, {}, guarded);
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthorized');
  });

  it('refuses POST /api/aggregations with a wrong token', async () => {
    const response = await postAggregation(body, { authorization: 'Bearer wrong-token' }, guarded);
    expect(response.statusCode).toBe(401);
  });

  it('aggregates with the right token', async () => {
    const response = await postAggregation(body, { authorization: `Bearer ${token}` }, guarded);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ events: 8, rows: 4 });
  });

  it('leaves the reads open', async () => {
    const urls = [
      '/api/games',
      funnelUrl('fixture', `startDate=${D1}&endDate=${D2}`),
      funnelUrl('fixture', `startDate=${D1}&endDate=${D2}`, 'level-funnel/validate'),
      '/health',
    ];
    for (const url of urls) expect((await get(url, guarded)).statusCode).toBe(200);
  });
});

describe(`GET /health (${backend})`, () => {
  it('counts the days behind the raw events, down to 0 once they are aggregated', async () => {
    // The fixture's days are aggregated; the generated game lacks RAW_DAY, and LATE_DAY and
    // LAST_DAY received events after their aggregation.
    await postAggregation({ gameId: 'fixture', from: D1, to: D2 });
    const before = await get('/health');

    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({
      status: 'ok',
      database: backend,
      rollup: { daysBehind: 3, oldestDayBehind: RAW_DAY },
    });
    const lastBefore = Date.parse(before.json().rollup.lastAggregatedAt);
    expect(lastBefore).not.toBeNaN();

    const aggregated = await postAggregation({ from: D1, to: LAST_DAY });
    expect(aggregated.statusCode).toBe(200);
    expect(aggregated.json().days).toHaveLength(2 * 11);
    expect(aggregated.json().events).toBe(fixture.length + generated.length);

    const after = (await get('/health')).json();
    expect(after.rollup).toMatchObject({ daysBehind: 0, oldestDayBehind: null });
    expect(Date.parse(after.rollup.lastAggregatedAt)).toBeGreaterThanOrEqual(lastBefore);
  });
});

describe(`a read cancelled by its statement timeout (${backend})`, () => {
  it('answers 503 read_timeout, not a bare 500', async () => {
    const timed = await buildApp({ database, logLevel: 'silent' });
    const cancelled = Object.assign(new Error('canceling statement due to statement timeout'), {
      code: '57014',
    });
    timed.get('/slow-read', async () => {
      throw new Error('query failed', { cause: cancelled });
    });
    const response = await timed.inject({ method: 'GET', url: '/slow-read' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      error: {
        code: 'read_timeout',
        message: 'the read took longer than 120 s; shorten the range',
      },
    });
    await timed.close();
  });
});
