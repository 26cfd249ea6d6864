import { z } from 'zod';

/** How far ahead of the server clock an event's createdAt may lie. */
export const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

/** PostgreSQL's integer, which levelId and levelFunnelVersion are stored as. */
const INT_MAX = 2_147_483_647;
/** A year: a longer attempt is a client's clock error, and its milliseconds must fit a bigint. */
export const MAX_DURATION_SECONDS = 365 * 24 * 60 * 60;

// PostgreSQL text cannot hold the NUL character.
const noNul = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';

const text = (max: number) => z.string().trim().max(max, 'is too long').refine(noNul, NUL_MESSAGE);
const id = text(200).pipe(z.string().min(1, 'must be a non-empty string'));
const dimension = text(100).nullish();

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
  platform: text(100).pipe(z.string().min(1, 'must be a non-empty string')),
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
  if (typeof value === 'string') return !noNul(value);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([key, inner]) => !noNul(key) || holdsNul(inner));
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
  if (holdsNul(parsed.data.properties)) {
    return { problems: [{ path: 'properties', message: NUL_MESSAGE }] };
  }
  const createdAt = Date.parse(parsed.data.createdAt);
  if (createdAt - now > MAX_CLOCK_SKEW_MS) {
    return {
      problems: [{ path: 'createdAt', message: 'lies more than 24 h ahead of the server clock' }],
    };
  }
  return { event: parsed.data };
}
