import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/connection.ts';
import { parseFunnelVersion, type FunnelQuery } from '../funnel/filters.ts';
import { getLevelFunnelData, validateFunnel } from '../funnel/funnelService.ts';
import { parseRequest } from './errors.ts';
import {
  checkRange,
  gameIdSchema,
  listSchema,
  queryDaySchema,
  textListSchema,
  unknownKeys,
} from './requestSchemas.ts';

/** level_funnel_version is a PostgreSQL integer: a larger value could only fail in the query. */
const MAX_INT = 2_147_483_647;

function funnelVersion(value: string): number | undefined {
  const n = parseFunnelVersion(value);
  return n !== undefined && Math.abs(n) <= MAX_INT ? n : undefined;
}

const paramsSchema = z.object({ gameId: gameIdSchema });

const readShape = {
  startDate: queryDaySchema,
  endDate: queryDaySchema,
  platform: textListSchema,
  countryCode: textListSchema,
  appVersion: textListSchema,
  levelFunnel: textListSchema,
  levelFunnelVersion: listSchema(funnelVersion, "an integer or 'unknown'"),
};

type ReadParameters = { startDate: unknown; endDate: unknown };

function dateRange(value: ReadParameters, ctx: z.RefinementCtx) {
  checkRange(ctx, ['startDate', value.startDate], ['endDate', value.endDate]);
}

const funnelQuerySchema = z
  .strictObject(
    {
      ...readShape,
      mode: z.enum(['fast', 'legacy'], { error: "must be 'fast' or 'legacy'" }).default('fast'),
    },
    { error: unknownKeys('parameter') },
  )
  .superRefine(dateRange);

/** The same parameters without `mode`: the comparison runs both reads. */
const validateQuerySchema = z
  .strictObject(readShape, { error: unknownKeys('parameter') })
  .superRefine(dateRange);

type ReadQuery = z.output<typeof validateQuerySchema>;

function toFunnelQuery(gameId: string, q: ReadQuery): FunnelQuery {
  const { startDate, endDate, ...filters } = q;
  return { gameId, startDate, endDate, filters };
}

export interface FunnelRoutesOptions {
  database: Database;
}

/** The level funnel of a game and its fast-against-legacy check; both open to read. */
export const funnelRoutes: FastifyPluginAsync<FunnelRoutesOptions> = async (app, { database }) => {
  app.get('/api/games/:gameId/level-funnel', async (request, reply) => {
    const { gameId } = parseRequest(paramsSchema, request.params, 'params');
    const { mode, ...read } = parseRequest(funnelQuerySchema, request.query, 'querystring');

    const funnel = await getLevelFunnelData(database.db, toFunnelQuery(gameId, read), mode);

    return reply.send(funnel);
  });

  app.get('/api/games/:gameId/level-funnel/validate', async (request, reply) => {
    const { gameId } = parseRequest(paramsSchema, request.params, 'params');
    const read = parseRequest(validateQuerySchema, request.query, 'querystring');

    const validation = await validateFunnel(database.db, toFunnelQuery(gameId, read));

    const { equal, differences } = validation;
    request.log.info({ gameId, equal, differences: differences.length }, 'funnel validated');
    return reply.send(validation);
  });
};
