/**
 * Backfills the daily level metrics for a range of days, as `level-funnel backfill` does:
 *   npx tsx scripts/backfillLevelMetrics.ts --from 2026-11-01 --to 2026-11-30 [--game G]
 */
import { parseArgs } from 'node:util';
import { backfillCommand } from '../src/commands/aggregate.ts';

const { values } = parseArgs({
  options: { game: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
});
if (!values.from || !values.to) {
  console.error('usage: backfillLevelMetrics.ts --from YYYY-MM-DD --to YYYY-MM-DD [--game G]');
  process.exit(2);
}
await backfillCommand({ game: values.game, from: values.from, to: values.to });
