import { max, min, sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import type { Database, Db } from '../db/connection.ts';
import { levelEventDays } from '../db/schema.ts';

export interface GameSummary {
  gameId: string;
  /** First and last UTC day with stored level events. */
  firstDay: string;
  lastDay: string;
  /** Level events stored, all days together. */
  events: number;
}

/** Games with level events, from ingestion's per-day counts: a few rows per game and day. */
export async function listGames(db: Db): Promise<GameSummary[]> {
  const rows = await db
    .select({
      gameId: levelEventDays.gameId,
      firstDay: min(levelEventDays.date),
      lastDay: max(levelEventDays.date),
      events: sql<number>`sum(${levelEventDays.eventCount})::float8`.mapWith(Number),
    })
    .from(levelEventDays)
    .groupBy(levelEventDays.gameId)
    .orderBy(levelEventDays.gameId);
  return rows.map((r) => ({ ...r, firstDay: r.firstDay ?? '', lastDay: r.lastDay ?? '' }));
}

export interface GameRoutesOptions {
  database: Database;
}

export const gameRoutes: FastifyPluginAsync<GameRoutesOptions> = async (app, { database }) => {
  app.get('/api/games', async (_request, reply) => {
    const games = await listGames(database.db);

    return reply.send({ games });
  });
};
