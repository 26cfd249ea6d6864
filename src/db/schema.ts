import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/** The value stored for a dimension that an event did not carry. */
export const UNKNOWN = 'unknown';
/** levelFunnelVersion is an integer; an event without one is stored with this value. */
export const UNKNOWN_FUNNEL_VERSION = -1;

/**
 * Raw level events, the source of truth: stored as received, never rewritten.
 * `properties` keeps the event's properties exactly as sent; the columns beside it are the
 * parts of them that the metrics read, extracted once at ingestion.
 */
export const levelEvents = pgTable(
  'level_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    gameId: text('game_id').notNull(),
    eventId: text('event_id'),
    userId: text('user_id').notNull(),
    sessionId: text('session_id').notNull(),
    eventName: text('event_name').notNull(),
    levelId: integer('level_id').notNull(),
    properties: jsonb('properties').notNull(),
    boosterUsed: boolean('booster_used').notNull(),
    egp: doublePrecision('egp'),
    durationMs: bigint('duration_ms', { mode: 'number' }),
    platform: text('platform').notNull(),
    countryCode: text('country_code').notNull(),
    appVersion: text('app_version').notNull(),
    levelFunnel: text('level_funnel').notNull(),
    levelFunnelVersion: integer('level_funnel_version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .defaultNow(),
  },
  (t) => [
    check(
      'level_events_event_name_check',
      sql`event_name in ('level_start', 'level_complete', 'level_failed')`,
    ),
    uniqueIndex('level_events_game_event_id_key')
      .on(t.gameId, t.eventId)
      .where(sql`event_id is not null`),
    // The daily aggregation and the live read scan one game's day by created_at.
    index('level_events_game_created_idx').on(t.gameId, t.createdAt),
    // The live read asks whether the player of a new event was already seen that day at the
    // same level: with the level in the key, that is one or two index entries to look at.
    index('level_events_game_user_level_created_idx').on(
      t.gameId,
      t.userId,
      t.levelId,
      t.createdAt,
    ),
  ],
);

/** Per (game, UTC day of createdAt): how many raw events have been stored, kept by ingestion. */
export const levelEventDays = pgTable(
  'level_event_days',
  {
    gameId: text('game_id').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    eventCount: bigint('event_count', { mode: 'number' }).notNull(),
    lastReceivedAt: timestamp('last_received_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.gameId, t.date] })],
);

const metricCounts = {
  starts: integer('starts').notNull(),
  completes: integer('completes').notNull(),
  fails: integer('fails').notNull(),
  startedPlayers: integer('started_players').notNull(),
  completedPlayers: integer('completed_players').notNull(),
  boosterUsed: integer('booster_used').notNull(),
  egpUsed: integer('egp_used').notNull(),
  totalCompletionDuration: bigint('total_completion_duration', { mode: 'number' }).notNull(),
  completionCount: integer('completion_count').notNull(),
  totalFailDuration: bigint('total_fail_duration', { mode: 'number' }).notNull(),
  failCount: integer('fail_count').notNull(),
};

/** The daily rollup: counts only, one row per day, level and combination of five dimensions. */
export const levelMetricsDaily = pgTable(
  'level_metrics_daily',
  {
    gameId: text('game_id').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    levelId: integer('level_id').notNull(),
    levelFunnel: text('level_funnel').notNull(),
    levelFunnelVersion: integer('level_funnel_version').notNull(),
    platform: text('platform').notNull(),
    countryCode: text('country_code').notNull(),
    appVersion: text('app_version').notNull(),
    ...metricCounts,
  },
  (t) => [
    // Dimensions before the level: a filtered read descends straight to the combinations it
    // asks for, day by day, instead of reading every row of the range.
    primaryKey({
      name: 'level_metrics_daily_pkey',
      columns: [
        t.gameId,
        t.date,
        t.platform,
        t.countryCode,
        t.appVersion,
        t.levelFunnel,
        t.levelFunnelVersion,
        t.levelId,
      ],
    }),
    index('level_metrics_daily_funnel_idx').on(
      t.gameId,
      t.levelFunnel,
      t.levelFunnelVersion,
      t.date,
    ),
  ],
);

/**
 * The same counts summed over the five dimensions, per day and level: what an unfiltered
 * query reads. Built from level_metrics_daily in the same transaction, so its sums are equal.
 */
export const levelMetricsDailyByLevel = pgTable(
  'level_metrics_daily_by_level',
  {
    gameId: text('game_id').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    levelId: integer('level_id').notNull(),
    ...metricCounts,
  },
  (t) => [primaryKey({ columns: [t.gameId, t.date, t.levelId] })],
);

/** What the rollup holds for a (game, day): which events it was built from and how. */
export const levelMetricsAggregations = pgTable(
  'level_metrics_aggregations',
  {
    gameId: text('game_id').notNull(),
    date: date('date', { mode: 'string' }).notNull(),
    aggregatedAt: timestamp('aggregated_at', { withTimezone: true, mode: 'date' }).notNull(),
    sourceEvents: bigint('source_events', { mode: 'number' }).notNull(),
    maxEventId: bigint('max_event_id', { mode: 'number' }).notNull(),
    sqlVersion: integer('sql_version').notNull(),
    metricRows: integer('metric_rows').notNull(),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.gameId, t.date] })],
);
