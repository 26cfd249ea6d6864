import { max, sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { findDaysToAggregate } from '../aggregation/aggregationService.ts';
import { addDays, utcDay } from '../aggregation/days.ts';
import { query, type Database, type Db } from '../db/connection.ts';
import { levelMetricsAggregations } from '../db/schema.ts';
import { ApiError } from './errors.ts';

export interface RollupHealth {
  /** Days before today, of any game, that the rollup lacks or that received events since. */
  daysBehind: number;
  oldestDayBehind: string | null;
  /** When the last aggregation of any day finished. */
  lastAggregatedAt: string | null;
}

/** How far the rollup is behind its raw events, by the same rule the daily job follows. */
export async function rollupHealth(db: Db, today: string): Promise<RollupHealth> {
  const behind = await findDaysToAggregate(db, { through: addDays(today, -1) });
  const days = [...new Set(behind.map((d) => d.date))].sort();
  const [last] = await db
    .select({ at: max(levelMetricsAggregations.aggregatedAt) })
    .from(levelMetricsAggregations);
  return {
    daysBehind: days.length,
    oldestDayBehind: days[0] ?? null,
    lastAggregatedAt: last?.at ? new Date(last.at).toISOString() : null,
  };
}

async function checkDatabase(db: Db): Promise<void> {
  try {
    await query(db, sql`select 1`);
  } catch (error) {
    throw new ApiError(503, 'database_unavailable', 'the database does not answer', undefined, {
      cause: error,
    });
  }
}

export interface HealthRoutesOptions {
  database: Database;
}

/** `GET /health`: 200 with the rollup's lag while the database answers, 503 when it does not. */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { database }) => {
  app.get('/health', async (_request, reply) => {
    await checkDatabase(database.db);

    const rollup = await rollupHealth(database.db, utcDay(new Date()));

    return reply.send({ status: 'ok', database: database.kind, rollup });
  });
};
