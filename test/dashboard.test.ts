import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateDailyMetrics } from '../src/aggregation/aggregationService.ts';
import { storeEvents } from '../src/events/storeEvents.ts';
import { buildApp } from '../src/server/app.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { levelEvent } from './support/levelEvents.ts';

const GAME = 'dash';
const android = { platform: 'android' };
const ev: typeof levelEvent = (user, name, level, at, extra = {}) =>
  levelEvent(user, name, level, at, { gameId: GAME, ...extra });

// Level 1: 4 starts by 3 players, 2 wins, 2 fails. Level 2: 3 starts, 1 win, 2 fails.
// Level 3: 1 start, 1 win. On android alone: level 1 has 2 starts, level 2 no win.
const fixture = [
  ev('u1', 'level_start', 1, '2026-11-10T10:00:00Z'),
  ev('u1', 'level_failed', 1, '2026-11-10T10:01:00Z', {
    props: { egp: 1, boosters: { hammer: 1 }, duration: 30 },
  }),
  ev('u1', 'level_start', 1, '2026-11-10T10:02:00Z'),
  ev('u1', 'level_complete', 1, '2026-11-10T10:03:00Z', { props: { duration: 40 } }),
  ev('u2', 'level_start', 1, '2026-11-10T11:00:00Z', android),
  ev('u2', 'level_complete', 1, '2026-11-10T11:01:00Z', { ...android, props: { duration: 20 } }),
  ev('u1', 'level_start', 2, '2026-11-10T10:04:00Z'),
  ev('u1', 'level_failed', 2, '2026-11-10T10:05:00Z', { props: { duration: 12 } }),
  ev('u1', 'level_start', 2, '2026-11-10T10:06:00Z'),
  ev('u1', 'level_complete', 2, '2026-11-10T10:07:00Z', { props: { duration: 50 } }),
  ev('u2', 'level_start', 2, '2026-11-10T11:02:00Z', android),
  ev('u2', 'level_failed', 2, '2026-11-10T11:03:00Z', { ...android, props: { duration: 8 } }),
  ev('u3', 'level_start', 1, '2026-11-11T09:00:00Z', android),
  ev('u3', 'level_failed', 1, '2026-11-11T09:01:00Z', { ...android, props: { duration: 15 } }),
  ev('u1', 'level_start', 3, '2026-11-11T10:00:00Z'),
  ev('u1', 'level_complete', 3, '2026-11-11T10:01:00Z', {
    props: { boosters: { bomb: 2 }, duration: 60 },
  }),
];

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let database: TestDatabase;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let baseUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await storeEvents(database.db, fixture);
  // 11-10 comes from the rollup in the fast read, 11-11 from raw events.
  await aggregateDailyMetrics(database.db, GAME, '2026-11-10');
  app = await buildApp({ database, logLevel: 'error' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await database?.drop();
});

/** Opens the dashboard with a query string and waits for its read to finish. */
async function open(search: string) {
  await page.goto(`${baseUrl}/${search}`);
  await idle();
}

async function idle() {
  await page.waitForSelector('main[aria-busy="false"]');
}

function text(selector: string) {
  return page.locator(selector).innerText();
}

function cell(levelId: number, key: string) {
  return text(`#levelTable tbody tr[data-level-id="${levelId}"] [data-key="${key}"]`);
}

function rowLevels() {
  return page
    .locator('#levelTable tbody tr')
    .evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.levelId)));
}

async function row(levelId: number, keys: string[]) {
  return Object.fromEntries(await Promise.all(keys.map(async (k) => [k, await cell(levelId, k)])));
}

const range = '?gameId=dash&startDate=2026-11-10&endDate=2026-11-11';

describe('the dashboard at GET /', () => {
  it('serves the page, its modules and the chart library with their content types', async () => {
    const types = await Promise.all(
      ['/', '/assets/dashboard.js', '/assets/dashboard.css', '/assets/uplot.esm.js'].map(
        async (url) => (await app.inject({ url })).headers['content-type'],
      ),
    );
    expect(types).toEqual([
      'text/html; charset=utf-8',
      'text/javascript; charset=utf-8',
      'text/css; charset=utf-8',
      'text/javascript; charset=utf-8',
    ]);
    expect((await app.inject({ url: '/assets/nothing.js' })).statusCode).toBe(404);
  });

  it('shows every level of the range with its counts and rates', async () => {
    await open(range);

    expect(await rowLevels()).toEqual([1, 2, 3]);
    expect(await row(1, ['starts', 'completes', 'fails', 'startedPlayers'])).toEqual({
      starts: '4',
      completes: '2',
      fails: '2',
      startedPlayers: '3',
    });
    expect(
      await row(1, ['winRate', 'completionRate', 'attemptsPerCompletion', 'apsRaw', 'apsClean']),
    ).toEqual({
      winRate: '50.0%',
      completionRate: '66.7%',
      attemptsPerCompletion: '2.00',
      apsRaw: '2.00',
      apsClean: '0.50',
    });
    expect(await row(1, ['boosterUsage', 'egpRate', 'funnelRate'])).toEqual({
      boosterUsage: '25.0%',
      egpRate: '50.0%',
      funnelRate: '66.7%',
    });
    expect(await row(1, ['avgCompletionDuration', 'avgFailDuration'])).toEqual({
      avgCompletionDuration: '30.0',
      avgFailDuration: '22.5',
    });
    expect(await row(2, ['starts', 'winRate', 'funnelRate'])).toEqual({
      starts: '3',
      winRate: '33.3%',
      funnelRate: '33.3%',
    });
    expect(await row(3, ['winRate', 'egpRate', 'avgFailDuration'])).toEqual({
      winRate: '100.0%',
      egpRate: '–',
      avgFailDuration: '–',
    });
  });

  it('sums up starters, reach, win rate and where the days came from', async () => {
    await open(range);

    const tile = (name: string) => text(`[data-tile="${name}"] .tile-value`);
    expect(await tile('starters')).toBe('3');
    expect(await tile('reach')).toBe('Level 3');
    expect(await tile('winRate')).toBe('50.0%');
    expect(await tile('days')).toBe('1 rollup · 0 live · 1 raw');
    expect(await text('[data-tile="queryTime"] .tile-note')).toBe('fast read');
    expect(await text('.definition')).toContain('daily-unique, summed over days');
  });

  it('draws one funnel bar per level and the win-rate chart', async () => {
    await open(range);

    expect(await page.locator('#funnelChart').getAttribute('data-bars')).toBe('3');
    expect(await page.locator('#funnelChart canvas').count()).toBe(1);
    expect(await page.locator('#winRateChart canvas').count()).toBe(1);

    mkdirSync('tmp', { recursive: true });
    await page.screenshot({ path: 'tmp/dashboard.png', fullPage: true });
  });

  it('reads again with a platform filter and keeps it in the URL', async () => {
    await open(range);

    await page.getByLabel('Platform').fill('android');
    await page.getByLabel('Platform').press('Enter');
    await idle();

    expect(new URL(page.url()).searchParams.get('platform')).toBe('android');
    expect(await rowLevels()).toEqual([1, 2]);
    expect(await row(1, ['starts', 'winRate', 'funnelRate'])).toEqual({
      starts: '2',
      winRate: '50.0%',
      funnelRate: '50.0%',
    });
    expect(await row(2, ['starts', 'winRate', 'attemptsPerCompletion'])).toEqual({
      starts: '1',
      winRate: '0.0%',
      attemptsPerCompletion: '–',
    });
  });

  it('gives the same numbers from the legacy read', async () => {
    await open(range);

    await page.getByText('Legacy', { exact: true }).click();
    await idle();

    expect(new URL(page.url()).searchParams.get('mode')).toBe('legacy');
    expect(await text('[data-tile="queryTime"] .tile-note')).toBe('legacy read');
    expect(await row(1, ['starts', 'winRate'])).toEqual({ starts: '4', winRate: '50.0%' });
  });

  it('opens a shared URL with its filter and mode in the controls', async () => {
    await open(`${range}&platform=android&mode=legacy`);

    expect(await page.getByLabel('Platform').inputValue()).toBe('android');
    expect(await page.getByLabel('Legacy').isChecked()).toBe(true);
    expect(await text('[data-tile="queryTime"] .tile-note')).toBe('legacy read');
    expect(await row(1, ['starts', 'winRate'])).toEqual({ starts: '2', winRate: '50.0%' });
  });

  it('sorts the levels by a column when its heading is clicked', async () => {
    await open(range);

    await page.locator('#levelTable thead button', { hasText: 'Win rate' }).click();
    expect(await rowLevels()).toEqual([2, 1, 3]);
    await page.locator('#levelTable thead button', { hasText: 'Win rate' }).click();
    expect(await rowLevels()).toEqual([3, 1, 2]);
  });

  it("shows the API's message when the range ends before it starts", async () => {
    const api = await fetch(
      `${baseUrl}/api/games/dash/level-funnel?startDate=2026-11-11&endDate=2026-11-10`,
    );
    const { error } = (await api.json()) as { error: { message: string } };
    expect(api.status).toBe(400);
    await open(range);

    await page.getByLabel('To', { exact: true }).fill('2026-11-09');
    await idle();

    expect(await page.locator('#error').isVisible()).toBe(true);
    expect(await text('#errorMessage')).toBe(error.message);
    expect(await page.locator('#result').isVisible()).toBe(false);
  });

  it('says so when the range has no level events', async () => {
    await open('?gameId=dash&startDate=2026-10-01&endDate=2026-10-02');

    expect(await text('#empty')).toBe('No level events in this range');
    expect(await page.locator('#levelTable').isVisible()).toBe(false);
  });
});
