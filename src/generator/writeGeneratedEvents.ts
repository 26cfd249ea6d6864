import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { generateEvents, type GenerateOptions } from './generateEvents.ts';
import type { LoadProgress } from './loadGeneratedEvents.ts';

/** Lines per write: large enough to keep the stream busy, small in memory. */
const LINES_PER_WRITE = 1000;

/** Writes generated events as NDJSON to a file, or to standard output when `out` is '-'. */
export async function writeGeneratedEvents(
  out: string,
  options: GenerateOptions,
  onProgress?: LoadProgress,
): Promise<{ events: number; ms: number }> {
  const started = performance.now();
  const generated = generateEvents(options);
  let events = 0;
  function* batches(): Generator<string> {
    let lines: string[] = [];
    for (const event of generated) {
      lines.push(JSON.stringify(event));
      if (lines.length === LINES_PER_WRITE) {
        events += lines.length;
        onProgress?.(events, generated.expectedEvents);
        yield `${lines.join('\n')}\n`;
        lines = [];
      }
    }
    events += lines.length;
    if (lines.length > 0) yield `${lines.join('\n')}\n`;
  }
  const toStdout = out === '-';
  // Standard output stays open for whoever writes after us.
  await pipeline(Readable.from(batches()), toStdout ? process.stdout : createWriteStream(out), {
    end: !toStdout,
  });
  return { events, ms: Math.round(performance.now() - started) };
}
