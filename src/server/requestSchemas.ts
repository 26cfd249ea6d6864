import { z } from 'zod';
import { dayNumber, isDay } from '../aggregation/days.ts';
import { splitList } from '../funnel/filters.ts';

/** The longest date range a read or an aggregation request may cover, both ends included. */
export const MAX_RANGE_DAYS = 366;
/** Values per filter parameter, and characters per value or game id. */
export const MAX_LIST_VALUES = 50;
export const MAX_TEXT_LENGTH = 200;

/** A query parameter given twice arrives as an array: read it as one comma-separated list. */
function joinRepeated(value: unknown): unknown {
  return Array.isArray(value) ? value.join(',') : value;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

export const daySchema = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be a string') })
  .refine(isDay, 'must be a real calendar day as YYYY-MM-DD');

export const queryDaySchema = z.preprocess(joinRepeated, daySchema);

export const gameIdSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`);

/**
 * A comma-separated query parameter, each value read by `parse` (undefined: not acceptable).
 * Errors name the parameter and the offending value, not its position in the list.
 */
export function listSchema<T>(parse: (value: string) => T | undefined, expected: string) {
  return z.preprocess(joinRepeated, z.string().optional()).transform((text, ctx) => {
    const values = splitList(text);
    if (!values) return undefined;
    if (values.length > MAX_LIST_VALUES) {
      const message = `takes at most ${MAX_LIST_VALUES} comma-separated values, got ${values.length}`;
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    const parsed: T[] = [];
    for (const value of values) {
      const item = parse(value);
      if (item === undefined) {
        ctx.addIssue({ code: 'custom', message: `'${clip(value)}' is not ${expected}` });
        return z.NEVER;
      }
      parsed.push(item);
    }
    return parsed;
  });
}

export const textListSchema = listSchema(
  (value) => (value.length <= MAX_TEXT_LENGTH ? value : undefined),
  `a value of at most ${MAX_TEXT_LENGTH} characters`,
);

/** The error for a key that the schema does not know, so that a typo is not silently ignored. */
export function unknownKeys(kind: string) {
  return (issue: z.core.$ZodRawIssue) => {
    if (issue.code === 'unrecognized_keys') {
      return `unknown ${kind} ${issue.keys.map((k) => `'${clip(k)}'`).join(', ')}`;
    }
    if (issue.code === 'invalid_type') return 'must be a JSON object';
    return undefined;
  };
}

/**
 * Adds an issue on `lastName` when [first, last] runs backwards or is longer than
 * MAX_RANGE_DAYS. Days that failed their own check are left to that check's message.
 */
export function checkRange(
  ctx: z.RefinementCtx,
  [firstName, first]: [string, unknown],
  [lastName, last]: [string, unknown],
): void {
  if (typeof first !== 'string' || typeof last !== 'string' || !isDay(first) || !isDay(last)) {
    return;
  }
  const days = dayNumber(last) - dayNumber(first) + 1;
  if (days < 1) {
    ctx.addIssue({ code: 'custom', path: [lastName], message: `must not be before ${firstName}` });
  } else if (days > MAX_RANGE_DAYS) {
    const message =
      `the range from ${firstName} to ${lastName} covers ${days} days; ` +
      `at most ${MAX_RANGE_DAYS} are allowed`;
    ctx.addIssue({ code: 'custom', path: [lastName], message });
  }
}
