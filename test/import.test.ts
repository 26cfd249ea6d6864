import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'drizzle-orm';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { query } from '../src/db/connection.ts';
import { ImportRejectedError, importEvents } from '../src/events/importEvents.ts';
import { JsonArraySplitter } from '../src/events/jsonArraySplitter.ts';
import { createTestDatabase, backend, type TestDatabase } from './support/database.ts';
import { levelEvent, levelEvents, toNdjson, type SentEvent } from './support/events.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

/** The text as a byte stream cut into chunks of `size` bytes, as a file or a pipe gives it. */
function stream(text: string, size = 64 * 1024): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks);
}

async function importText(text: string, size?: number) {
  return importEvents(database.db, stream(text, size));
}

/** The rejection of an import that must fail. */
async function rejection(text: string, size?: number): Promise<ImportRejectedError> {
  const error = await importText(text, size).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ImportRejectedError);
  return error as ImportRejectedError;
}

/** What level_event_days counts for a game, over all its days. */
async function dayCount(gameId: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    database.db,
    sql`select coalesce(sum(event_count), 0)::int as n from level_event_days
        where game_id = ${gameId}`,
  );
  return row.n;
}

async function rowCount(gameId: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    database.db,
    sql`select count(*)::int as n from level_events where game_id = ${gameId}`,
  );
  return row.n;
}

/** The stored events of a game, minus gameId and the row's own columns, in eventId order. */
async function storedEvents(gameId: string) {
  return query(
    database.db,
    sql`select event_id, user_id, session_id, event_name, level_id, properties, booster_used,
          egp, duration_ms, platform, country_code, app_version, level_funnel,
          level_funnel_version, created_at
        from level_events where game_id = ${gameId} order by event_id`,
  );
}

function gameEvents(gameId: string, count: number): SentEvent[] {
  return levelEvents(count, (i) => ({
    gameId,
    eventId: `${gameId}-${String(i).padStart(6, '0')}`,
    properties: { levelId: i % 40, duration: i / 10 },
  }));
}

function prettyArray(events: unknown[]): string {
  return JSON.stringify(events, null, 2);
}

describe(`importing NDJSON (${backend})`, () => {
  it('stores nothing when line 7,321 of 10,000 is invalid, and names that line and path', async () => {
    const events = gameEvents('bad-line', 10_000);
    events[7320] = { ...events[7320], properties: { levelId: -3 } };

    const error = await rejection(toNdjson(events));

    expect(error.problems).toEqual([
      { line: 7321, path: 'properties.levelId', message: 'must be 0 or more' },
    ]);
    expect(error.message).toBe('1 problem(s) in 1 of 10000 event(s); nothing was stored');
    expect(await rowCount('bad-line')).toBe(0);
    expect(await dayCount('bad-line')).toBe(0);
  });

  it('stores every event of a good file, across several chunks', async () => {
    const result = await importText(toNdjson(gameEvents('good-ndjson', 12_345)));

    expect(result).toMatchObject({ events: 12_345, accepted: 12_345, duplicates: 0 });
    expect(await rowCount('good-ndjson')).toBe(12_345);
  });

  it('stores each event once when the same file is imported twice', async () => {
    const text = toNdjson(gameEvents('twice', 6_000));

    const first = await importText(text);
    const second = await importText(text);

    expect(first).toMatchObject({ events: 6_000, accepted: 6_000, duplicates: 0 });
    expect(second).toMatchObject({ events: 6_000, accepted: 0, duplicates: 6_000 });
    expect(await rowCount('twice')).toBe(6_000);
    expect(await dayCount('twice')).toBe(6_000);
  });

  it('skips blank lines but counts them in line numbers', async () => {
    const [a, b, c] = gameEvents('blank-lines', 3);
    const text = `\n${JSON.stringify(a)}\r\n   \n\n${JSON.stringify(b)}\n\t\n${JSON.stringify(c)}\n\n`;

    expect(await importText(text)).toMatchObject({ events: 3, accepted: 3 });
    const bad = { ...a, eventName: 'level_won' };
    const error = await rejection(`\n\n${JSON.stringify(bad)}\n`);
    expect(error.problems).toEqual([
      {
        line: 3,
        path: 'eventName',
        message: 'must be one of level_start, level_complete, level_failed',
      },
    ]);
  });

  it('reports a line that is not JSON with its line number, and every other problem', async () => {
    const [a, b, c] = gameEvents('not-json', 3);
    const text = [JSON.stringify(a), '{"userId": "u1", oops', JSON.stringify(b), 'hello'].join(
      '\n',
    );
    const withBadEvent = `${text}\n${JSON.stringify({ ...c, userId: 7 })}\n`;

    const error = await rejection(withBadEvent);

    expect(error.problems.map(({ line, path }) => ({ line, path }))).toEqual([
      { line: 2, path: '(event)' },
      { line: 4, path: '(event)' },
      { line: 5, path: 'userId' },
    ]);
    expect(error.problems[0].message).toMatch(/^is not valid JSON \(/);
    expect(await rowCount('not-json')).toBe(0);
  });

  it('lists the first 100 problems and counts the rest', async () => {
    const events = gameEvents('many-bad', 150).map((e) => ({ ...e, platform: '' }));

    const error = await rejection(toNdjson(events));

    expect(error.problems).toHaveLength(100);
    expect(error.problems[99]).toEqual({
      line: 100,
      path: 'platform',
      message: 'must be a non-empty string',
    });
    expect(error.problemCount).toBe(150);
    expect(error.invalidEvents).toBe(150);
  });

  it('rejects an input without events', async () => {
    const error = await rejection('\n  \n');
    expect(error.problems).toEqual([{ path: '(input)', message: 'holds no events' }]);
  });
});

describe(`importing a JSON array (${backend})`, () => {
  it('stores the same rows as the same events sent as NDJSON', async () => {
    const asNdjson = gameEvents('same-ndjson', 7_000);
    const asArray = asNdjson.map((e) => ({ ...e, gameId: 'same-array' }));

    const fromNdjson = await importText(toNdjson(asNdjson));
    const fromArray = await importText(prettyArray(asArray), 4096);

    expect(fromNdjson).toMatchObject({ events: 7_000, accepted: 7_000, duplicates: 0 });
    expect(fromArray).toMatchObject({ events: 7_000, accepted: 7_000, duplicates: 0 });
    expect(await storedEvents('same-array')).toEqual(await storedEvents('same-ndjson'));
  });

  it('reads an array on one line, cut into chunks of 7 bytes', async () => {
    const events = gameEvents('one-line', 40).map((e, i) => ({
      ...e,
      // Brackets, commas, quotes and multi-byte characters inside strings are not structure.
      sessionId: i % 2 ? 'sé[s]{i},"ö\\"n"' : `s-${i} ✓`,
    }));

    const result = await importText(` \n${JSON.stringify(events)}\n`, 7);

    expect(result).toMatchObject({ events: 40, accepted: 40 });
    const stored = await storedEvents('one-line');
    expect(stored.map((row) => (row as { session_id: string }).session_id)).toEqual(
      events.map((e) => e.sessionId),
    );
  });

  it('cuts elements exactly wherever the chunks end, escapes and nesting included', () => {
    const values = [
      { s: 'ends in a backslash \\', t: '\\"quoted\\"', u: '[{,}]' },
      ['nested', ['deeper', { x: [1, 2, { y: '\\\\' }] }], 'é✓"'],
      'a string, with "quotes" and \\ ] [',
      -12.5e3,
      null,
      { empty: {}, list: [], unicode: '\u2028 \ud83c\udfae' },
    ];
    const text = ` [ ${values.map((v) => JSON.stringify(v, null, 1)).join(' ,\n')} ] \n`;
    for (let size = 1; size <= 17; size++) {
      const splitter = new JsonArraySplitter();
      const pieces = [];
      for (let at = 0; at < text.length; at += size) {
        pieces.push(...splitter.push(text.slice(at, at + size)));
      }
      pieces.push(...splitter.end());
      expect(pieces.map((p) => ('text' in p ? JSON.parse(p.text) : p))).toEqual(values);
    }
  });

  it('names the index and path of invalid elements and stores nothing', async () => {
    const events: unknown[] = gameEvents('bad-element', 6);
    events[1] = { ...(events[1] as SentEvent), properties: { levelId: 2.5 } };
    events[4] = 'level_start';

    const error = await rejection(prettyArray(events));

    expect(error.problems).toEqual([
      { index: 1, path: 'properties.levelId', message: 'must be an integer' },
      { index: 4, path: '(event)', message: 'must be an object' },
    ]);
    expect(await rowCount('bad-element')).toBe(0);
  });

  it('reports an element that is not JSON and keeps reading the ones after it', async () => {
    const [a, b] = gameEvents('bad-json-element', 2);
    const text = `[${JSON.stringify(a)}, {"userId": oops}, ${JSON.stringify({ ...b, gameId: '' })}]`;

    const error = await rejection(text);

    expect(error.problems.map(({ index, path }) => ({ index, path }))).toEqual([
      { index: 1, path: '(event)' },
      { index: 2, path: 'gameId' },
    ]);
  });

  it.each([
    [
      'an array that is not closed',
      `[${JSON.stringify(levelEvent())}`,
      [{ path: '(input)', message: 'the JSON array is not closed with ]' }],
    ],
    [
      'text after the array',
      `[${JSON.stringify(levelEvent())}] []`,
      [{ path: '(input)', message: 'text follows the closing ] of the array' }],
    ],
    [
      'a trailing comma',
      `[${JSON.stringify(levelEvent())},]`,
      [
        {
          index: 1,
          path: '(event)',
          message: 'an element is missing (two commas, or one before ])',
        },
      ],
    ],
    ['an empty array', '[ ]', [{ path: '(input)', message: 'holds no events' }]],
  ])('rejects %s', async (_, text, problems) => {
    const error = await rejection(text);
    expect(error.problems).toEqual(problems);
  });
});

describe('level-funnel import, on an embedded database of its own', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'level-funnel-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function cli(args: string[], input?: string) {
    const env = { ...process.env, DATA_DIR: join(dir, 'data'), DATABASE_URL: '' };
    const run = spawnSync('node', ['bin/level-funnel.js', 'import', ...args], { env, input });
    return { status: run.status, stdout: run.stdout.toString(), stderr: run.stderr.toString() };
  }

  it('prints every problem and exits 1 when a file is rejected', () => {
    const events = gameEvents('cli', 3);
    events[1] = { ...events[1], properties: { levelId: -1 }, sessionId: '' };
    const file = join(dir, 'bad.ndjson');
    writeFileSync(file, toNdjson(events));

    const run = cli([file]);

    expect(run.status).toBe(1);
    expect(run.stderr.split('\n').slice(0, 3)).toEqual([
      `rejected ${file}: 2 problem(s) in 1 of 3 event(s); nothing was stored`,
      'line 2: sessionId: must be a non-empty string',
      'line 2: properties.levelId: must be 0 or more',
    ]);
  });

  it('imports standard input and prints a summary with figures', () => {
    const run = cli(['-'], toNdjson(gameEvents('cli', 3)));

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^imported standard input: 3 events, 3 accepted, 0 duplicates, in \d+\.\d s \([\d,]+ events\/s\)\n$/,
    );
  });
});
