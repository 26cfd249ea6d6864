import type { LevelEvent } from '../../src/events/eventSchema.ts';

/** A level event with ios/US/1.0/A/1 dimensions unless told otherwise. */
export function levelEvent(
  userId: string,
  eventName: LevelEvent['eventName'],
  levelId: number,
  createdAt: string,
  extra: Partial<LevelEvent> & { props?: Record<string, unknown> } = {},
): LevelEvent {
  const { props, ...rest } = extra;
  return {
    gameId: 'fixture',
    userId,
    sessionId: `${userId}-s`,
    eventName,
    properties: { levelId, ...props },
    platform: 'ios',
    countryCode: 'US',
    appVersion: '1.0',
    levelFunnel: 'A',
    levelFunnelVersion: 1,
    createdAt,
    ...rest,
  };
}
