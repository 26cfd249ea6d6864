import { createHash, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import { query, type Database } from '../db/connection.ts';
import { ApiError, handleError, handleNotFound } from './errors.ts';
import { eventRoutes } from './eventRoutes.ts';

export interface AppOptions {
  database: Database;
  logLevel?: string;
  /** When set, write and admin endpoints require `Authorization: Bearer <token>`. */
  authToken?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    authToken: string | undefined;
  }
}

/** Large enough for a batch of 10,000 events, small enough to bound a request's memory. */
export const BODY_LIMIT = 10 * 1024 * 1024;

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: options.logLevel ?? 'info' },
    bodyLimit: BODY_LIMIT,
    // One line per request from the hook below: no body, no query string values.
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.decorate('authToken', options.authToken);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });

  app.get('/health', async () => {
    await healthCheck(options.database);
    return { status: 'ok', database: options.database.kind };
  });
  await app.register(eventRoutes, { database: options.database });
  return app;
}

async function healthCheck(database: Database): Promise<void> {
  try {
    await query(database.db, sql`select 1`);
  } catch (error) {
    throw new ApiError(503, 'database_unavailable', 'the database does not answer', undefined, {
      cause: error,
    });
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * preHandler for write and admin routes: with an auth token configured, the request must carry
 * it as a bearer token. Digests are compared so that the time taken reveals nothing.
 */
export async function requireAuth(request: FastifyRequest): Promise<void> {
  const expected = request.server.authToken;
  if (expected === undefined) return;
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (match && timingSafeEqual(digest(match[1].trim()), digest(expected))) return;
  throw new ApiError(401, 'unauthorized', 'a valid Authorization: Bearer <token> is required');
}
