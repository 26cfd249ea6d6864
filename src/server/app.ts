import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { dashboardRoutes } from '../dashboard/dashboardRoutes.ts';
import type { Database } from '../db/connection.ts';
import { aggregationRoutes } from './aggregationRoutes.ts';
import { handleError, handleNotFound } from './errors.ts';
import { eventRoutes } from './eventRoutes.ts';
import { funnelRoutes } from './funnelRoutes.ts';
import { gameRoutes } from './gameRoutes.ts';
import { healthRoutes } from './health.ts';

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
    // A game id may have 200 characters, percent-encoded in the path; the route checks its length.
    routerOptions: { maxParamLength: 1024 },
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

  await app.register(healthRoutes, { database: options.database });
  await app.register(eventRoutes, { database: options.database });
  await app.register(gameRoutes, { database: options.database });
  await app.register(funnelRoutes, { database: options.database });
  await app.register(aggregationRoutes, { database: options.database });
  await app.register(dashboardRoutes);
  return app;
}
