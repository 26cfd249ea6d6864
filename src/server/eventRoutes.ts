import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/connection.ts';
import type { StoreResult } from '../events/storeEvents.ts';
import { checkEvent, type EventProblem, type LevelEvent } from '../events/eventSchema.ts';
import { storeEvents } from '../events/storeEvents.ts';
import { requireAuth } from './auth.ts';
import { ApiError, parseRequest } from './errors.ts';

/** Events per request: a larger upload goes through `level-funnel import` or several requests. */
export const MAX_BATCH = 10_000;

const batchSchema = z
  .array(z.unknown(), { error: 'must be a JSON array of events' })
  .min(1, 'must contain at least one event')
  .max(MAX_BATCH, `must contain at most ${MAX_BATCH} events; split larger batches`);

export interface EventRoutesOptions {
  database: Database;
}

export const eventRoutes: FastifyPluginAsync<EventRoutesOptions> = async (app, { database }) => {
  app.post('/api/events', { preHandler: requireAuth }, async (request, reply) => {
    const batch = parseRequest(batchSchema, request.body, 'body');

    const events = validateBatch(batch, Date.now());
    const result = await storeBatch(database, events);

    request.log.info({ events: events.length, ...result }, 'events stored');
    return reply.send(result);
  });
};

const DEADLOCK = '40P01';

/**
 * One transaction. A concurrent one (an import, another batch) may take the same days' rows of
 * level_event_days in another order and deadlock; PostgreSQL then rolls one of them back whole,
 * so storing the batch again is safe.
 */
async function storeBatch(
  database: Database,
  events: LevelEvent[],
  tries = 3,
): Promise<StoreResult> {
  try {
    return await database.db.transaction((tx) => storeEvents(tx, events));
  } catch (error) {
    if (tries > 1 && sqlState(error) === DEADLOCK) return storeBatch(database, events, tries - 1);
    throw error;
  }
}

/** The SQLSTATE of a database error, which the query builder wraps as its cause. */
function sqlState(error: unknown): string | undefined {
  for (let e = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Every event of the batch is checked, so one response lists every problem of the batch. */
function validateBatch(batch: unknown[], now: number): LevelEvent[] {
  const events: LevelEvent[] = [];
  const problems: EventProblem[] = [];
  batch.forEach((value, index) => {
    const checked = checkEvent(value, now);
    if ('event' in checked) events.push(checked.event);
    else problems.push(...checked.problems.map((p) => ({ index, ...p })));
  });
  if (problems.length === 0) return events;

  const invalid = new Set(problems.map((p) => p.index)).size;
  const message = `${invalid} of ${batch.length} events are invalid; nothing was stored`;
  throw new ApiError(400, 'invalid_events', message, problems);
}
