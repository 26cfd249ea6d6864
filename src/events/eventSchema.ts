import { z } from 'zod';

/** How far ahead of the server clock an event's createdAt may lie. */
export const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

/** PostgreSQL's integer, which levelId and levelFunnelVersion are stored as. */
const INT_MAX = 2_147_483_647;
/** A year: a longer attempt is a client's clock error, and its milliseconds must fit a bigint. */
export const MAX_DURATION_SECONDS = 365 * 24 * 60 * 60;

// PostgreSQL text cannot hold the NUL character.
const NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';

const id = z.string().trim().min(1, 'must be a non-empty string').max(200, 'is too long');
const dimension = z.string().trim().max(100, 'is too long').nullish();

export const eventNames = ['level_start', 'level_complete', 'level_failed'] as const;
export type EventName = (typeof eventNames)[number];

const propertiesSchema = z.looseObject({
  levelId: z
    .number()
    .int('must be an integer')
    .min(0, 'must be 0 or more')
    .max(INT_MAX, `must be at most ${INT_MAX}`),
  boosters: z
    .record(z.string(), z.number({ error: 'each booster must be a number' }), {
      error: 'must be an object of booster type to number',
    })
    .optional(),
  egp: z.number().min(0, 'must be 0 or more').optional(),
  duration: z
    .number()
    .min(0, 'must be 0 or more (seconds)')
    .max(MAX_DURATION_SECONDS, `must be at most ${MAX_DURATION_SECONDS} seconds`)
    .optional(),
});

export const levelEventSchema = z.object({
  eventId: id.optional(),
  userId: id,
  gameId: id,
  sessionId: id,
  eventName: z.enum(eventNames, {
    error: `must be one of ${eventNames.join(', ')}`,
  }),
  properties: propertiesSchema,
  platform: z.string().trim().min(1, 'must be a non-empty string').max(100, 'is too long'),
  countryCode: dimension,
  appVersion: dimension,
  levelFunnel: dimension,
  levelFunnelVersion: z
    .number()
    .int('must be an integer')
    .min(-INT_MAX, `must be at least -${INT_MAX}`)
    .max(INT_MAX, `must be at most ${INT_MAX}`)
    .nullish(),
  createdAt: z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp with offset' }),
});

export type LevelEventInput = z.input<typeof levelEventSchema>;
export type LevelEvent = z.output<typeof levelEventSchema>;

export interface EventProblem {
  /** Position in the batch (0-based) or line of the file (1-based). */
  index?: number;
  line?: number;
  path: string;
  message: string;
}

function defaultMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  const article = /^[aeiou]/.test(issue.expected) ? 'an' : 'a';
  return `must be ${article} ${issue.expected}`;
}

/** Whether a JSON value has the NUL character in any of its strings or keys. */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null) return false;
  for (const key in value) {
    if (key.includes('\u0000') || holdsNul((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** Validates one event; `now` is the server clock that bounds createdAt. */
export function checkEvent(
  value: unknown,
  now: number,
): { event: LevelEvent } | { problems: Omit<EventProblem, 'index' | 'line'>[] } {
  const parsed = levelEventSchema.safeParse(value, { error: defaultMessage });
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((i) => ({
        path: i.path.join('.') || '(event)',
        message: i.message,
      })),
    };
  }
  // One pass over the valid event, cheaper than a check on each string field.
  const withNul = Object.keys(parsed.data).find((key) =>
    holdsNul(parsed.data[key as keyof LevelEvent]),
  );
  if (withNul) return { problems: [{ path: withNul, message: NUL_MESSAGE }] };
  const createdAt = Date.parse(parsed.data.createdAt);
  if (createdAt - now > MAX_CLOCK_SKEW_MS) {
    return {
      problems: [{ path: 'createdAt', message: 'lies more than 24 h ahead of the server clock' }],
    };
  }
  return { event: parsed.data };
}
