import { sql, type SQL } from 'drizzle-orm';
import type { FunnelFilters } from './filters.ts';
import {
  countColumns,
  dayBounds,
  eventDay,
  filterConditions,
  grainColumns,
  rawCounts,
} from '../levelMetrics/countsSql.ts';

/**
 * Per-grain count rows computed from raw events over whole UTC days `[firstDay, lastDay]`:
 * players are distinct per day, level and dimension combination, as in the rollup.
 */
export function rawGrainRows(
  gameId: string,
  firstDay: string,
  lastDay: string,
  filters: FunnelFilters,
): SQL {
  const { from, to } = dayBounds(firstDay, lastDay);
  return sql`
    select level_id, ${rawCounts()}
    from level_events
    where game_id = ${gameId} and created_at >= ${from} and created_at < ${to}
      ${filterConditions(filters)}
    group by ${eventDay}, ${grainColumns}`;
}

/**
 * Per-grain count rows of the events of `day` stored after the rollup was built from the
 * events up to `lastAggregatedId`. A player counts only if the rollup has not counted them
 * in the same grain already, so rollup + delta equals the whole day computed from raw events.
 */
export function liveDeltaGrainRows(
  gameId: string,
  day: string,
  lastAggregatedId: number,
  filters: FunnelFilters,
): SQL {
  const { from, to } = dayBounds(day, day);
  return sql`
    select level_id, ${rawCounts(sql`first_in_day`)}
    from (
      select e.user_id, e.event_name, e.booster_used, e.egp, e.duration_ms, ${grainColumns},
        not exists (
          select 1 from level_events p
          where p.game_id = e.game_id and p.user_id = e.user_id
            and p.created_at >= ${from} and p.created_at < ${to}
            and p.id <= ${lastAggregatedId}
            and p.event_name = e.event_name and p.level_id = e.level_id
            and p.level_funnel = e.level_funnel
            and p.level_funnel_version = e.level_funnel_version
            and p.platform = e.platform and p.country_code = e.country_code
            and p.app_version = e.app_version
        ) as first_in_day
      from level_events e
      where e.game_id = ${gameId} and e.id > ${lastAggregatedId}
        and e.created_at >= ${from} and e.created_at < ${to}
        ${filterConditions(filters)}
    ) delta
    group by ${grainColumns}`;
}

/** Rollup rows of the given days: the coarse table when no dimension filter needs the fine. */
export function rollupRows(gameId: string, days: string[], filters: FunnelFilters): SQL {
  const conditions = filterConditions(filters);
  const fine = conditions.queryChunks.length > 0;
  const table = sql.raw(fine ? 'level_metrics_daily' : 'level_metrics_daily_by_level');
  return sql`
    select level_id, ${countColumns}
    from ${table}
    where game_id = ${gameId} and date = any(${sql.param(days)}::date[]) ${conditions}`;
}
