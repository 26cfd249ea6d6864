import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, utcDay } from '../src/aggregation/days.ts';
import { backend, createTestDatabase, type TestDatabase } from './support/database.ts';
import { levelEvent } from './support/events.ts';

const token = 'serve-test-token';
const gameId = 'served-game';
const day = addDays(utcDay(new Date()), -1);
const userIds = ['player-7f3a91', 'player-c0ffee42'];
const events = [
  levelEvent({
    gameId,
    userId: userIds[0],
    eventName: 'level_start',
    createdAt: `${day}T10:00:00Z`,
    properties: { levelId: 1 },
  }),
  levelEvent({
    gameId,
    userId: userIds[0],
    eventName: 'level_complete',
    createdAt: `${day}T10:01:00Z`,
    properties: { levelId: 1 },
  }),
  levelEvent({
    gameId,
    userId: userIds[1],
    eventName: 'level_start',
    createdAt: `${day}T11:00:00Z`,
    properties: { levelId: 1 },
  }),
  levelEvent({
    gameId,
    userId: userIds[1],
    eventName: 'level_failed',
    createdAt: `${day}T11:02:00Z`,
    properties: { levelId: 1 },
  }),
];

let dataDir: string;
let database: TestDatabase | undefined;
let server: ChildProcess;
let output = '';
let baseUrl: string;

/** The server's environment: a fresh database of its own, a free port, a token. */
async function serverEnv(): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
  };
  env.AUTH_TOKEN = token;
  env.LOG_LEVEL = 'info';
  if (!process.env.DATABASE_URL) {
    delete env.DATABASE_URL;
    return env;
  }
  database ??= await createTestDatabase();
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = new URL(database.location).pathname;
  env.DATABASE_URL = url.toString();
  return env;
}

/** Resolves with the address from Fastify's "Server listening at …" line. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function stillRunningAfter(ms: number): Promise<string> {
  return new Promise((resolve) => setTimeout(() => resolve(`still running after ${ms} ms`), ms));
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'level-funnel-serve-'));
  server = spawn(process.execPath, ['bin/level-funnel.js', 'serve', '--no-cron'], {
    env: await serverEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  baseUrl = await listening(server);
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

function postEvents(headers: Record<string, string>) {
  return fetch(`${baseUrl}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(events),
  });
}

describe(`level-funnel serve, over HTTP (${backend})`, () => {
  it('answers /health', async () => {
    const response = await fetch(`${baseUrl}/health`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', database: backend });
  });

  it('refuses events without the token and stores them with it', async () => {
    const refused = await postEvents({});
    expect(refused.status).toBe(401);

    const stored = await postEvents({ authorization: `Bearer ${token}` });
    expect(stored.status).toBe(200);
    expect(await stored.json()).toEqual({ accepted: 4, duplicates: 0 });
  });

  it('reads the posted events back as a level funnel', async () => {
    const response = await fetch(
      `${baseUrl}/api/games/${gameId}/level-funnel?startDate=${day}&endDate=${day}`,
    );

    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.levels).toEqual([
      expect.objectContaining({
        levelId: 1,
        starts: 2,
        completes: 1,
        fails: 1,
        startedPlayers: 2,
        completedPlayers: 1,
        winRate: 50,
      }),
    ]);
  });

  it('exits with code 1, jobs and all, when its port is taken', async () => {
    const env = { ...(await serverEnv()), PORT: new URL(baseUrl).port, DATA_DIR: 'memory://' };
    const second = spawn(process.execPath, ['bin/level-funnel.js', 'serve'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    second.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));

    const code = await Promise.race([exited(second), stillRunningAfter(30_000)]);
    if (second.exitCode === null) second.kill('SIGKILL');

    expect(code).toBe(1);
    expect(errors).toContain('EADDRINUSE');
  });

  it('stops on SIGTERM with exit code 0, having logged requests but no user ID', async () => {
    server.kill('SIGTERM');
    const code = await Promise.race([exited(server), stillRunningAfter(15_000)]);

    expect(code).toBe(0);
    expect(output).toContain('"msg":"stopped"');
    expect(output).toMatch(/"route":"\/api\/events","status":401/);
    for (const userId of userIds) expect(output).not.toContain(userId);
  });
});
