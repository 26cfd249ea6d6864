import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/connection.ts';
import { checkEvent, type EventProblem, type LevelEvent } from '../events/eventSchema.ts';
import { storeEvents } from '../events/storeEvents.ts';
import { requireAuth } from './app.ts';
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
    const result = await database.db.transaction((tx) => storeEvents(tx, events));

    request.log.info({ events: events.length, ...result }, 'events stored');
    return reply.send(result);
  });
};

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
