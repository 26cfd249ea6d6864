import { sql, type SQL } from 'drizzle-orm';
import { hasDimensionFilter, type FunnelFilters } from './filters.ts';
import {
  countColumns,
  countedColumns,
  dayBounds,
  filterConditions,
  grainColumns,
  grainCounts,
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
  const events = sql`
    (select ${countedColumns} from level_events
     where game_id = ${gameId} and created_at >= ${from} and created_at < ${to}
       ${filterConditions(filters)}) events`;
  return sql`select level_id, ${countColumns} from (${grainCounts(events, { byDay: true })}) g`;
}

/** The events of a day stored after the rollup was built from those up to `lastAggregatedId`. */
export interface LiveDelta {
  day: string;
  lastAggregatedId: number;
  /**
   * Walk the ids after `lastAggregatedId` rather than the day's events: the right way in when
   * fewer events of any day were stored since than the day holds (today's rollup being a
   * minute old, typically). The planner cannot know that ahead of the statement.
   */
  walkIds: boolean;
}

/** The delta's events as a FROM item `e`, with the columns the counts read. */
export function deltaEvents(gameId: string, delta: LiveDelta): SQL {
  const { from, to } = dayBounds(delta.day, delta.day);
  const columns = sql`id, game_id, ${countedColumns}`;
  if (!delta.walkIds) {
    return sql`(select ${columns} from level_events
      where game_id = ${gameId} and id > ${delta.lastAggregatedId}
        and created_at >= ${from} and created_at < ${to}) e`;
  }
  // offset 0 keeps the day's conditions out of the inner scan, so that it walks the ids.
  return sql`(select ${columns} from
      (select ${columns} from level_events where id > ${delta.lastAggregatedId} offset 0) recent
      where game_id = ${gameId} and created_at >= ${from} and created_at < ${to}) e`;
}

/**
 * Per-grain count rows of a live delta. A player counts only if the rollup has not counted
 * them in the same grain that day already, so rollup + delta equals the whole day computed
 * from raw events.
 */
export function liveDeltaGrainRows(gameId: string, delta: LiveDelta, filters: FunnelFilters): SQL {
  const { from, to } = dayBounds(delta.day, delta.day);
  const events = sql`
    (
      select e.*,
        not exists (
          select 1 from level_events p
          where p.game_id = e.game_id and p.user_id = e.user_id
            and p.created_at >= ${from} and p.created_at < ${to}
            and p.id <= ${delta.lastAggregatedId}
            and p.event_name = e.event_name and p.level_id = e.level_id
            and p.level_funnel = e.level_funnel
            and p.level_funnel_version = e.level_funnel_version
            and p.platform = e.platform and p.country_code = e.country_code
            and p.app_version = e.app_version
        ) as first_in_day
      from ${deltaEvents(gameId, delta)}
      where true ${filterConditions(filters)}
    ) delta`;
  const counts = grainCounts(events, { newPlayer: sql`first_in_day` });
  return sql`select level_id, ${countColumns} from (${counts}) g`;
}

/** Rollup rows of the given days: the coarse table when no dimension filter needs the fine. */
export function rollupRows(gameId: string, days: string[], filters: FunnelFilters): SQL {
  const fine = hasDimensionFilter(filters);
  const table = sql.raw(fine ? 'level_metrics_daily' : 'level_metrics_daily_by_level');
  return sql`
    select level_id, ${countColumns}
    from ${table}
    where game_id = ${gameId} and date = any(${sql.param(days)}::date[])
      ${filterConditions(filters)}`;
}
