import { sql, type SQL } from 'drizzle-orm';
import { addDays } from '../aggregation/days.ts';
import type { FunnelFilters } from '../funnel/filters.ts';
import { countNames } from '../funnel/metrics.ts';

/**
 * SQL shared by the daily aggregation, the legacy read and the live part of the fast read,
 * so that the three compute each count in exactly one way.
 */

/** The rollup's grain below (game, day): a level and a combination of the five dimensions. */
export const grainColumns = sql.raw(
  'level_id, level_funnel, level_funnel_version, platform, country_code, app_version',
);

/** The columns of a raw event that the counts read. */
export const countedColumns = sql.raw(
  'user_id, event_name, booster_used, egp, duration_ms, created_at, level_id, level_funnel, ' +
    'level_funnel_version, platform, country_code, app_version',
);

/** The UTC day of an event. */
export const eventDay = sql.raw(`(created_at at time zone 'UTC')::date`);

/**
 * The eleven counts of each grain of `source` (a FROM item of raw events), in two steps that
 * hash well: first per player and grain, then per grain, which counts the players without a
 * sort. With `byDay`, grains are per UTC day too (a `day` column comes first). `newPlayer`
 * says which rows may count as a player: all of them for a whole day; in the live delta, those
 * of players the rollup has not counted yet that day.
 */
export function grainCounts(source: SQL, options: { byDay?: boolean; newPlayer?: SQL } = {}): SQL {
  const newPlayer = options.newPlayer ?? sql`true`;
  const keys = options.byDay ? sql`${eventDay} as day, ${grainColumns}` : grainColumns;
  const keyNames = options.byDay ? sql`day, ${grainColumns}` : grainColumns;
  return sql`
    select ${keyNames},
      sum(starts) as starts, sum(completes) as completes, sum(fails) as fails,
      count(*) filter (where started) as started_players,
      count(*) filter (where completed) as completed_players,
      sum(booster_used) as booster_used, sum(egp_used) as egp_used,
      coalesce(sum(total_completion_duration), 0) as total_completion_duration,
      sum(completion_count) as completion_count,
      coalesce(sum(total_fail_duration), 0) as total_fail_duration,
      sum(fail_count) as fail_count
    from (
      select ${keys}, user_id,
        count(*) filter (where event_name = 'level_start') as starts,
        count(*) filter (where event_name = 'level_complete') as completes,
        count(*) filter (where event_name = 'level_failed') as fails,
        bool_or(event_name = 'level_start' and ${newPlayer}) as started,
        bool_or(event_name = 'level_complete' and ${newPlayer}) as completed,
        count(*) filter (where event_name in ('level_complete', 'level_failed') and booster_used)
          as booster_used,
        count(*) filter (where event_name = 'level_failed' and egp > 0) as egp_used,
        sum(duration_ms) filter (where event_name = 'level_complete')
          as total_completion_duration,
        count(duration_ms) filter (where event_name = 'level_complete') as completion_count,
        sum(duration_ms) filter (where event_name = 'level_failed') as total_fail_duration,
        count(duration_ms) filter (where event_name = 'level_failed') as fail_count
      from ${source}
      group by ${keyNames}, user_id
    ) per_player
    group by ${keyNames}`;
}

/** The rollup's count columns, in the order of `countNames`, whose API names they carry. */
const COUNT_COLUMNS = [
  'starts',
  'completes',
  'fails',
  'started_players',
  'completed_players',
  'booster_used',
  'egp_used',
  'total_completion_duration',
  'completion_count',
  'total_fail_duration',
  'fail_count',
];

export const countColumns = sql.raw(COUNT_COLUMNS.join(', '));

/** The sum of each count column, in the same order. */
export const countSums = sql.raw(COUNT_COLUMNS.map((c) => `sum(${c})`).join(', '));

/** Sums of grain rows, per level, named as the API names them. */
export const summedCounts = sql.raw(
  [
    'level_id as "levelId"',
    ...COUNT_COLUMNS.map((c, i) => `sum(${c})::float8 as "${countNames[i]}"`),
  ].join(', '),
);

/** `and column = any(values)` for each filter given; the same columns in raw and rollup. */
export function filterConditions(filters: FunnelFilters): SQL {
  const parts: SQL[] = [];
  const text = (column: string, values?: string[]) => {
    if (values?.length) parts.push(sql`and ${sql.raw(column)} = any(${sql.param(values)}::text[])`);
  };
  text('platform', filters.platform);
  text('country_code', filters.countryCode);
  text('app_version', filters.appVersion);
  text('level_funnel', filters.levelFunnel);
  if (filters.levelFunnelVersion?.length) {
    parts.push(
      sql`and level_funnel_version = any(${sql.param(filters.levelFunnelVersion)}::int[])`,
    );
  }
  return sql.join(parts, sql` `);
}

/** The half-open UTC interval [day 00:00, next day 00:00) as timestamptz parameters. */
export function dayBounds(firstDay: string, lastDay: string): { from: string; to: string } {
  return { from: `${firstDay}T00:00:00Z`, to: `${addDays(lastDay, 1)}T00:00:00Z` };
}
