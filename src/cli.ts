import { Command, InvalidArgumentError, Option } from 'commander';
import { isDay } from './aggregation/days.ts';

const program = new Command('level-funnel')
  .description('Level-by-level player progression from a daily rollup plus live raw events')
  .showHelpAfterError();

function date(value: string): string {
  if (!isDay(value)) {
    throw new InvalidArgumentError('expected a date as YYYY-MM-DD');
  }
  return value;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a whole number > 0');
  return n;
}

function withFilters(command: Command): Command {
  return command
    .option('--platform <list>', 'platforms, comma-separated')
    .option('--country-code <list>', 'country codes, comma-separated')
    .option('--app-version <list>', 'app versions, comma-separated')
    .option('--level-funnel <list>', 'level-funnel variants, comma-separated')
    .option(
      '--level-funnel-version <list>',
      "level-funnel versions (or 'unknown'), comma-separated",
    );
}

program
  .command('migrate')
  .description('apply database migrations')
  .action(async () => (await import('./commands/migrate.ts')).migrateCommand());

program
  .command('serve')
  .description('HTTP API and dashboard, with the daily aggregation job')
  .option('--no-cron', 'do not schedule the aggregation jobs')
  .action(async (opts) => (await import('./commands/serve.ts')).serveCommand(opts));

program
  .command('demo')
  .description('load generated demo data into an empty database, aggregate it, then serve')
  .option('--users <n>', 'distinct players', positive, 2000)
  .option('--days <n>', 'days of data, ending now', positive, 14)
  .action(async (opts) => (await import('./commands/demo.ts')).demoCommand(opts));

program
  .command('import')
  .description('store events from NDJSON or a JSON array; all or nothing')
  .argument('<file>', "a file, or '-' for standard input")
  .action(async (file) => (await import('./commands/import.ts')).importCommand(file));

program
  .command('generate')
  .description('generate realistic level events for one game')
  .requiredOption('--game <id>', 'game id')
  .requiredOption('--users <n>', 'distinct players over the period', positive)
  .requiredOption('--days <n>', 'days of events, ending now', positive)
  .option('--events <n>', 'about this many events in all', positive)
  .option('--seed <s>', 'seed of the random generator', '1')
  .option('--out <file>', 'write NDJSON here instead of loading the database')
  .action(async (opts) => (await import('./commands/generate.ts')).generateCommand(opts));

program
  .command('aggregate')
  .description('aggregate one day (default yesterday) for one game or all')
  .option('--game <id>', 'only this game')
  .option('--date <YYYY-MM-DD>', 'the UTC day', date)
  .action(async (opts) => (await import('./commands/aggregate.ts')).aggregateCommand(opts));

program
  .command('backfill')
  .description('aggregate a range of days')
  .option('--game <id>', 'only this game')
  .requiredOption('--from <YYYY-MM-DD>', 'first UTC day', date)
  .requiredOption('--to <YYYY-MM-DD>', 'last UTC day', date)
  .action(async (opts) => (await import('./commands/aggregate.ts')).backfillCommand(opts));

withFilters(
  program
    .command('funnel')
    .description('the level funnel of a game over a date range')
    .requiredOption('--game <id>', 'game id')
    .requiredOption('--from <YYYY-MM-DD>', 'first UTC day', date)
    .requiredOption('--to <YYYY-MM-DD>', 'last UTC day', date)
    .addOption(new Option('--mode <mode>', 'read').choices(['fast', 'legacy']).default('fast'))
    .option('--json', 'print the API response as JSON'),
).action(async (opts) => (await import('./commands/funnel.ts')).funnelCommand(opts));

withFilters(
  program
    .command('validate')
    .description('compare the fast read with the legacy read; exit 1 on any difference')
    .requiredOption('--game <id>', 'game id')
    .requiredOption('--from <YYYY-MM-DD>', 'first UTC day', date)
    .requiredOption('--to <YYYY-MM-DD>', 'last UTC day', date),
).action(async (opts) => (await import('./commands/funnel.ts')).validateCommand(opts));

program
  .command('bench')
  .description('time legacy against fast reads, aggregation and import on PostgreSQL')
  .addOption(new Option('--scale <scale>', 'dataset size').choices(['seed', 'growth', 'custom']))
  .option('--users <n>', 'custom scale: players', positive)
  .option('--events <n>', 'custom scale: events', positive)
  .option('--days <n>', 'custom scale: days', positive)
  .option('--repeat <n>', 'timed repetitions of each measurement', positive, 15)
  .option('--markdown <file>', 'also write the table as Markdown')
  .action(async (opts) => (await import('./bench/benchCommand.ts')).benchCommand(opts));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // A query wrapper's message quotes the statement and its parameters, user IDs among them:
  // say the innermost cause instead.
  let cause = error;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  console.error(cause instanceof Error ? cause.message : cause);
  process.exitCode = 1;
}
