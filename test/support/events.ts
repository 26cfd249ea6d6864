import type { LevelEventInput } from '../../src/events/eventSchema.ts';

/** An event as a client sends it: any field may be overridden, or removed with `undefined`. */
export type SentEvent = Record<string, unknown>;

let sequence = 0;

/** A valid level event with every field present and a unique eventId. */
export function levelEvent(overrides: SentEvent = {}): SentEvent {
  sequence++;
  const event: LevelEventInput = {
    eventId: `evt-${sequence}`,
    userId: `user-${sequence % 37}`,
    gameId: 'game-a',
    sessionId: `session-${sequence % 11}`,
    eventName: 'level_complete',
    properties: { levelId: 1 + (sequence % 20), boosters: { hammer: 1 }, egp: 0, duration: 12.5 },
    platform: 'ios',
    countryCode: 'DE',
    appVersion: '2.3.1',
    levelFunnel: 'default',
    levelFunnelVersion: 4,
    createdAt: '2025-03-14T09:26:53.589Z',
  };
  return withoutUndefined({ ...event, ...overrides });
}

/** `count` valid events, each built by `levelEvent` with the overrides `vary(i)` gives. */
export function levelEvents(count: number, vary: (i: number) => SentEvent = () => ({})) {
  return Array.from({ length: count }, (_, i) => levelEvent(vary(i)));
}

function withoutUndefined(event: SentEvent): SentEvent {
  return Object.fromEntries(Object.entries(event).filter(([, value]) => value !== undefined));
}

export function toNdjson(events: unknown[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}
