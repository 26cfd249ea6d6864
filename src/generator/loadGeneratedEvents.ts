import type { Db } from '../db/connection.ts';
import type { LevelEvent } from '../events/eventSchema.ts';
import { STORE_CHUNK, storeEvents } from '../events/storeEvents.ts';
import { generateEvents, type GenerateOptions } from './generateEvents.ts';

/** Events per transaction: one chunk of storeEvents (20 K per transaction measured the same). */
export const LOAD_CHUNK = STORE_CHUNK;
/**
 * Transactions in flight: while PostgreSQL stores one chunk, Node generates and encodes the
 * next. PGlite runs transactions one at a time anyway.
 */
const IN_FLIGHT = 2;
const DEADLOCK = '40P01';

export interface LoadResult {
  /** Events generated. */
  events: number;
  /** Of which newly stored (the others were there already, from an earlier load). */
  stored: number;
  ms: number;
}

export type LoadProgress = (loaded: number, expected: number) => void;

/**
 * Generates events and stores them chunk by chunk, one transaction each, through the same
 * storeEvents as an import, so that level_event_days and the reads see them. They are valid by
 * construction, so the zod check is skipped.
 */
export async function loadGeneratedEvents(
  db: Db,
  options: GenerateOptions,
  onProgress?: LoadProgress,
): Promise<LoadResult> {
  const started = performance.now();
  const generated = generateEvents(options);
  const totals = { events: 0, stored: 0 };
  const pending = new Set<Promise<void>>();
  try {
    for (const chunk of chunks(generated, LOAD_CHUNK)) {
      if (pending.size >= IN_FLIGHT) await Promise.race(pending);
      const stored = storeChunk(db, chunk).then((accepted) => {
        totals.events += chunk.length;
        totals.stored += accepted;
        pending.delete(stored);
        onProgress?.(totals.events, generated.expectedEvents);
      });
      pending.add(stored);
    }
    await Promise.all(pending);
  } catch (error) {
    await Promise.allSettled(pending);
    throw error;
  }
  return { ...totals, ms: Math.round(performance.now() - started) };
}

/**
 * One transaction. storeEvents locks level_event_days rows in key order, so two chunks in
 * flight should not deadlock; should PostgreSQL still pick one as a victim, it rolled the
 * chunk back whole, and storing it again is safe.
 */
async function storeChunk(db: Db, chunk: LevelEvent[], tries = 3): Promise<number> {
  try {
    const result = await db.transaction((tx) => storeEvents(tx, chunk));
    return result.accepted;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (tries > 1 && cause?.code === DEADLOCK) return storeChunk(db, chunk, tries - 1);
    // The driver's message quotes the whole statement with its thousands of values.
    const reason = cause?.message ?? (error as Error).message.slice(0, 200);
    throw new Error(`storing ${chunk.length} generated events failed: ${reason}`, { cause: error });
  }
}

export function* chunks(events: Iterable<LevelEvent>, size: number): Generator<LevelEvent[]> {
  let chunk: LevelEvent[] = [];
  for (const event of events) {
    chunk.push(event);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
