import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../db/connection.ts';
import type { LevelEvent } from './eventSchema.ts';
import { toRow } from './eventColumns.ts';

/**
 * On PostgreSQL, COPY into a temporary table is the fastest way in: measured about 1.5 times
 * the rate of an INSERT from parameter arrays for 100 K events. The staging table lives only
 * as long as the transaction.
 */

/** The node-postgres connection of a transaction, when `db` is one; else undefined. */
export function transactionClient(db: Db): pg.ClientBase | undefined {
  const client = (db as unknown as { session?: { client?: unknown } }).session?.client;
  return client instanceof pg.Client ? client : undefined;
}

const STAGING = 'level_events_incoming';

export async function copyToStaging(
  client: pg.ClientBase,
  events: readonly LevelEvent[],
): Promise<SQL> {
  await client.query(`
    create temp table if not exists ${STAGING} (
      game_id text, event_id text, user_id text, session_id text, event_name text,
      level_id int, properties jsonb, booster_used boolean, egp float8, duration_ms bigint,
      platform text, country_code text, app_version text, level_funnel text,
      level_funnel_version int, created_at timestamptz
    ) on commit drop`);
  await client.query(`truncate ${STAGING}`);
  await pipeline(
    Readable.from(copyLines(events)),
    client.query(copyFrom(`copy ${STAGING} from stdin`)),
  );
  return sql`select * from ${sql.raw(STAGING)}`;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** COPY's text format: tab-separated, \N for null, backslash escapes. */
function field(value: string | number | boolean | null): string {
  if (value === null) return '\\N';
  if (typeof value !== 'string') return String(value);
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : value;
}

function* copyLines(events: readonly LevelEvent[]): Generator<string> {
  let block = '';
  for (let i = 0; i < events.length; i++) {
    block += `${toRow(events[i]).map(field).join('\t')}\n`;
    if (i % 1000 === 999) {
      yield block;
      block = '';
    }
  }
  if (block !== '') yield block;
}
