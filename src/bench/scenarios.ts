import { sql } from 'drizzle-orm';
import { query, type Db } from '../db/connection.ts';
import { addDays } from '../aggregation/days.ts';
import type { FunnelQuery } from '../funnel/filters.ts';
import type { Dataset } from './dataset.ts';

export interface ReadScenario {
  name: string;
  /** DESIGN §7's bound on the fast read's median, where it sets one. */
  targetMs?: number;
  query: FunnelQuery;
}

/** The most played value of a dimension in the rollup. */
async function topValue(db: Db, gameId: string, column: 'platform' | 'country_code') {
  const [row] = await query<{ value: string }>(
    db,
    sql`select ${sql.raw(column)} as value from level_metrics_daily where game_id = ${gameId}
        group by 1 order by sum(starts) desc limit 1`,
  );
  return row.value;
}

export async function readScenarios(db: Db, data: Dataset): Promise<ReadScenario[]> {
  const { gameId, today, firstDay } = data;
  const yesterday = addDays(today, -1);
  const platform = await topValue(db, gameId, 'platform');
  const countryCode = await topValue(db, gameId, 'country_code');
  const q = (startDate: string, endDate: string, filters = {}): FunnelQuery => ({
    gameId,
    startDate,
    endDate,
    filters,
  });
  return [
    { name: 'today only (exact, live)', targetMs: 50, query: q(today, today) },
    { name: '1 day (yesterday)', query: q(yesterday, yesterday) },
    {
      name: `7 days, platform=${platform} & countryCode=${countryCode}`,
      targetMs: 50,
      query: q(addDays(today, -7), yesterday, { platform: [platform], countryCode: [countryCode] }),
    },
    { name: '30 days including today', targetMs: 50, query: q(firstDay, today) },
  ];
}
