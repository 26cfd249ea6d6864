import type { Readable } from 'node:stream';
import type { Db } from '../db/connection.ts';
import { checkEvent, type EventProblem, type LevelEvent } from './eventSchema.ts';
import { readRecords, type InputRecord } from './readRecords.ts';
import { recordEventDays, STORE_CHUNK, storeEvents, type PendingDays } from './storeEvents.ts';

/** Problems listed in a rejection; the rest are only counted. */
export const MAX_LISTED_PROBLEMS = 100;

export interface ImportProgress {
  /** Events read so far, valid or not. */
  events: number;
  accepted: number;
  duplicates: number;
}

export interface ImportResult extends ImportProgress {
  ms: number;
}

/** An import with any invalid event: nothing of it was stored. */
export class ImportRejectedError extends Error {
  constructor(
    /** The first MAX_LISTED_PROBLEMS problems, in input order. */
    readonly problems: EventProblem[],
    readonly problemCount: number,
    readonly invalidEvents: number,
    readonly events: number,
  ) {
    super(
      `${problemCount} problem(s) in ${invalidEvents} of ${events} event(s); nothing was stored`,
    );
    this.name = 'ImportRejectedError';
  }
}

/**
 * Imports NDJSON or a JSON array, streamed, all or nothing: one transaction; valid events are
 * stored in chunks as they are read; on any invalid event the input is still read to the end,
 * so that every problem is reported, and the transaction is rolled back.
 */
export async function importEvents(
  db: Db,
  input: Readable,
  onProgress?: (progress: ImportProgress) => void,
): Promise<ImportResult> {
  const started = performance.now();
  const totals = await db.transaction((tx) => new ImportRun(tx, onProgress).consume(input));
  return { ...totals, ms: Math.round(performance.now() - started) };
}

class ImportRun {
  private readonly totals: ImportProgress = { events: 0, accepted: 0, duplicates: 0 };
  private batch: LevelEvent[] = [];
  private readonly problems: EventProblem[] = [];
  private problemCount = 0;
  private invalidEvents = 0;
  /** The chunk being stored while the next one is read and checked. */
  private storing: Promise<void> = Promise.resolve();
  private storeFailure: unknown;
  /**
   * Stored events per day, added to level_event_days once at the end: the import then locks
   * those rows only just before it commits, so that it does not hold up other writers.
   */
  private readonly days: PendingDays = new Map();

  constructor(
    private readonly tx: Db,
    private readonly onProgress?: (progress: ImportProgress) => void,
  ) {}

  async consume(input: Readable): Promise<ImportProgress> {
    try {
      for await (const record of readRecords(input)) await this.add(record);
    } finally {
      // No statement may still run on the transaction once it commits or rolls back.
      await this.storing;
    }
    return this.finish();
  }

  private async add(record: InputRecord): Promise<void> {
    const positioned = record.at.line !== undefined || record.at.index !== undefined;
    if ('problem' in record) {
      const path = positioned ? '(event)' : '(input)';
      this.reject(record.at, [{ path, message: record.problem }]);
    } else {
      const checked = checkEvent(record.value, Date.now());
      if ('problems' in checked) this.reject(record.at, checked.problems);
      else if (this.problemCount === 0) this.batch.push(checked.event);
    }
    if (!positioned) return;
    this.totals.events++;
    if (this.totals.events % STORE_CHUNK === 0) {
      await this.flush();
      this.onProgress?.({ ...this.totals });
    }
  }

  private async finish(): Promise<ImportProgress> {
    if (this.totals.events === 0 && this.problemCount === 0) {
      this.reject({}, [{ path: '(input)', message: 'holds no events' }]);
    }
    if (this.problemCount > 0) {
      const { problems, problemCount, invalidEvents, totals } = this;
      throw new ImportRejectedError(problems, problemCount, invalidEvents, totals.events);
    }
    await this.flush();
    await this.settle();
    await recordEventDays(this.tx, this.days);
    return { ...this.totals };
  }

  private async settle(): Promise<void> {
    await this.storing;
    if (this.storeFailure !== undefined) throw this.storeFailure;
  }

  /**
   * Starts storing the batch once the previous one is stored: one chunk in flight, so reading
   * and checking overlap with the database's work. Once any event is invalid nothing will be
   * kept, so valid ones are no longer stored.
   */
  private async flush(): Promise<void> {
    await this.settle();
    const events = this.batch;
    this.batch = [];
    if (events.length === 0 || this.problemCount > 0) return;
    this.storing = storeEvents(this.tx, events, this.days).then(
      (stored) => {
        this.totals.accepted += stored.accepted;
        this.totals.duplicates += stored.duplicates;
      },
      (error: unknown) => {
        this.storeFailure = error;
      },
    );
  }

  private reject(at: InputRecord['at'], problems: Omit<EventProblem, 'line' | 'index'>[]): void {
    if (at.line !== undefined || at.index !== undefined) this.invalidEvents++;
    for (const problem of problems) {
      this.problemCount++;
      if (this.problems.length < MAX_LISTED_PROBLEMS) this.problems.push({ ...at, ...problem });
    }
  }
}
