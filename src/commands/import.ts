import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import cliProgress from 'cli-progress';
import { openConfiguredDatabase } from '../db/open.ts';
import type { EventProblem } from '../events/eventSchema.ts';
import {
  ImportRejectedError,
  importEvents,
  type ImportProgress,
  type ImportResult,
} from '../events/importEvents.ts';

/** Without a terminal, a plain progress line this often. */
const PLAIN_PROGRESS_EVERY = 100_000;

const count = (n: number) => n.toLocaleString('en-US');

export async function importCommand(file: string): Promise<void> {
  const database = await openConfiguredDatabase();
  const source = file === '-' ? 'standard input' : file;
  const progress = startProgress();
  try {
    const input: Readable = file === '-' ? process.stdin : createReadStream(file);
    const result = await importEvents(database.db, input, progress.update);
    progress.stop();
    console.log(summary(source, result));
  } catch (error) {
    progress.stop();
    if (!(error instanceof ImportRejectedError)) throw error;
    console.error(rejection(source, error));
    process.exitCode = 1;
  } finally {
    await database.close();
  }
}

function rate(events: number, ms: number): number {
  return Math.round(events / Math.max(ms / 1000, 0.001));
}

function summary(source: string, r: ImportResult): string {
  return (
    `imported ${source}: ${count(r.events)} events, ${count(r.accepted)} accepted, ` +
    `${count(r.duplicates)} duplicates, in ${(r.ms / 1000).toFixed(1)} s ` +
    `(${count(rate(r.events, r.ms))} events/s)`
  );
}

export function formatProblem(p: EventProblem): string {
  const where =
    p.line !== undefined ? `line ${p.line}` : p.index !== undefined ? `index ${p.index}` : 'input';
  const what = p.path === '(event)' || p.path === '(input)' ? '' : `${p.path}: `;
  return `${where}: ${what}${p.message}`;
}

function rejection(source: string, error: ImportRejectedError): string {
  const lines = [`rejected ${source}: ${error.message}`, ...error.problems.map(formatProblem)];
  const unlisted = error.problemCount - error.problems.length;
  if (unlisted > 0) lines.push(`… and ${count(unlisted)} more problem(s)`);
  return lines.join('\n');
}

interface Progress {
  update(progress: ImportProgress): void;
  stop(): void;
}

/** A live line on a terminal; otherwise (CI, a pipe) a plain line every 100,000 events. */
function startProgress(): Progress {
  const started = performance.now();
  const perSecond = (events: number) => count(rate(events, performance.now() - started));
  return process.stderr.isTTY ? barProgress(perSecond) : plainProgress(perSecond);
}

function plainProgress(perSecond: (events: number) => string): Progress {
  let next = PLAIN_PROGRESS_EVERY;
  const update = (p: ImportProgress) => {
    if (p.events < next) return;
    next += PLAIN_PROGRESS_EVERY;
    console.error(`… ${count(p.events)} events read (${perSecond(p.events)}/s)`);
  };
  return { update, stop: () => {} };
}

function barProgress(perSecond: (events: number) => string): Progress {
  const bar = new cliProgress.SingleBar({
    format: 'importing: {events} events read, {accepted} stored ({rate} events/s)',
    stream: process.stderr,
    clearOnComplete: true,
  });
  let shown = false;
  const update = (p: ImportProgress) => {
    const payload = {
      events: count(p.events),
      accepted: count(p.accepted),
      rate: perSecond(p.events),
    };
    if (shown) bar.update(0, payload);
    else bar.start(0, 0, payload);
    shown = true;
  };
  return { update, stop: () => shown && bar.stop() };
}
