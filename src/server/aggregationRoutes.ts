import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  backfillHistorical,
  getGamesWithLevelEvents,
  type DayAggregation,
} from '../aggregation/aggregationService.ts';
import type { Database, Db } from '../db/connection.ts';
import { requireAuth } from './auth.ts';
import { parseRequest } from './errors.ts';
import { checkRange, daySchema, gameIdSchema, unknownKeys } from './requestSchemas.ts';

/** `{gameId?, date}` for one day or `{gameId?, from, to}` for a range, read as a range. */
const aggregationBodySchema = z
  .strictObject(
    {
      gameId: gameIdSchema.optional(),
      date: daySchema.optional(),
      from: daySchema.optional(),
      to: daySchema.optional(),
    },
    { error: unknownKeys('field') },
  )
  .superRefine((body, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (body.date !== undefined) {
      if (body.from !== undefined || body.to !== undefined) {
        issue('date', 'give either date, or from and to, not both');
      }
    } else if (body.from === undefined && body.to === undefined) {
      issue('date', 'is required as YYYY-MM-DD, or from and to for a range');
    } else if (body.from === undefined) {
      issue('from', 'is required with to');
    } else if (body.to === undefined) {
      issue('to', 'is required with from');
    } else {
      checkRange(ctx, ['from', body.from], ['to', body.to]);
    }
  })
  .transform(({ gameId, date, from, to }) => ({
    gameId,
    from: (date ?? from) as string,
    to: (date ?? to) as string,
  }));

/** Each day of each game in its own transaction, one after the other. */
async function aggregateRange(db: Db, gameId: string | undefined, from: string, to: string) {
  const games = gameId ? [gameId] : await getGamesWithLevelEvents(db);
  const days: DayAggregation[] = [];
  for (const game of games) days.push(...(await backfillHistorical(db, game, from, to)));
  return days;
}

function summarise(days: DayAggregation[], started: number) {
  return {
    days,
    events: days.reduce((n, d) => n + d.events, 0),
    rows: days.reduce((n, d) => n + d.rows, 0),
    ms: Math.round(performance.now() - started),
  };
}

export interface AggregationRoutesOptions {
  database: Database;
}

/** Rebuilds days of the rollup on request, as `level-funnel aggregate` and `backfill` do. */
export const aggregationRoutes: FastifyPluginAsync<AggregationRoutesOptions> = async (
  app,
  { database },
) => {
  app.post('/api/aggregations', { preHandler: requireAuth }, async (request, reply) => {
    const { gameId, from, to } = parseRequest(aggregationBodySchema, request.body, 'body');

    const started = performance.now();
    const days = await aggregateRange(database.db, gameId, from, to);

    const summary = summarise(days, started);
    const { events, rows, ms } = summary;
    request.log.info({ gameId, from, to, days: days.length, events, rows, ms }, 'days aggregated');
    return reply.send(summary);
  });
};
