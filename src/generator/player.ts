import type { EventName, LevelEvent } from '../events/eventSchema.ts';
import { ABANDON_SHARE, playAttempt } from './attempt.ts';
import { createProfile, type Profile } from './profile.ts';
import { mix32, Random } from './random.ts';
import { DAY_MS, type World } from './world.ts';

/** Mean extra sessions on an active day beyond the first, and extra attempts per session. */
const EXTRA_SESSIONS = 1.3;
export const EXTRA_ATTEMPTS = 2;
/** Share of events that miss one of the optional dimensions, as real data does. */
const MISSING_SHARE = 0.01;
const SESSION_GAP_MS = 60_000;

type Properties = LevelEvent['properties'];

/** Names the run in session and event ids, so that two runs never share one. */
export interface PlayerIds {
  run: string;
  nextEventId(): string;
  /** Plays the same but builds no events: what a pilot that only counts needs. */
  countOnly?: boolean;
}

/** What a counting run yields in place of an event. */
const COUNTED = {} as LevelEvent;

/**
 * One player's life over the period, from install at level 1: active days, sessions, attempts,
 * until they churn or the period reaches `now`. Its events come out in time order.
 */
export class PlayerRun {
  private readonly random: Random;
  private readonly profile: Profile;
  private level = 1;
  private failsHere = 0;
  private appVersion: number;
  /** When the player's latest event happened; the next one comes after it. */
  private clock: number;
  private ended = false;
  private sessions = 0;
  private sessionId = '';
  private funnelVersion = 0;

  constructor(
    private readonly world: World,
    private readonly index: number,
    /** How much players play: scales days played, sessions and attempts to reach a total. */
    private readonly intensity: number,
    private readonly ids: PlayerIds,
  ) {
    this.random = new Random(world.seed ^ mix32(index));
    this.profile = createProfile(world, index, this.random);
    this.clock = this.profile.installAt;
    this.appVersion = world.latestAppVersion(this.clock);
  }

  *events(): Generator<LevelEvent> {
    const firstDay = Math.floor((this.profile.installAt - this.world.periodStart) / DAY_MS);
    for (let day = firstDay; day < this.world.days && !this.ended; day++) {
      if (day > firstDay) {
        if (this.random.chance(this.churnRate(day - firstDay))) return;
        if (!this.random.chance(this.profile.engagement * Math.min(1, Math.sqrt(this.intensity)))) {
          continue;
        }
      }
      yield* this.day(day);
    }
  }

  /** Less engaged players churn sooner, and many never come back after their first day. */
  private churnRate(daysSinceInstall: number): number {
    const base = 0.03 + 0.1 * (1 - this.profile.engagement);
    return daysSinceInstall === 1 ? base * 4 : base;
  }

  private *day(day: number): Generator<LevelEvent> {
    const from = Math.max(this.world.periodStart + day * DAY_MS, this.clock);
    // Sessions spread over the whole day; those after now are cut, so today is partial.
    const to = this.world.periodStart + (day + 1) * DAY_MS;
    if (from >= to) return;
    // The first session of a new player is the install itself.
    const starts = [this.sessions === 0 ? from : this.random.between(from, to)];
    const extra = this.random.geometric(EXTRA_SESSIONS * Math.min(1, this.intensity));
    for (let i = 0; i < extra; i++) starts.push(this.random.between(from, to));
    starts.sort((a, b) => a - b);
    for (const at of starts) {
      if (this.ended) return;
      const gap = this.sessions === 0 ? 0 : SESSION_GAP_MS;
      yield* this.session(Math.max(Math.floor(at), this.clock + gap));
    }
  }

  private *session(at: number): Generator<LevelEvent> {
    this.sessions++;
    this.sessionId = `${this.ids.run}-${this.index}-${this.sessions}`;
    this.clock = at;
    this.upgradeApp();
    this.funnelVersion = this.world.funnelVersion(this.profile.variant, at);
    const attempts = 1 + this.random.geometric(EXTRA_ATTEMPTS * this.intensity);
    for (let i = 0; i < attempts && !this.ended; i++) {
      const abandoned = yield* this.attempt();
      if (abandoned && this.random.chance(0.5)) return;
    }
  }

  /** Web is always up to date; app-store players take their time to upgrade. */
  private upgradeApp(): void {
    const latest = this.world.latestAppVersion(this.clock);
    if (latest === this.appVersion) return;
    if (this.profile.platform === 'web' || this.random.chance(0.35)) this.appVersion = latest;
  }

  /** Plays one attempt; returns true when it was abandoned (a start with no outcome). */
  private *attempt(): Generator<LevelEvent, boolean> {
    const levelId = this.level;
    const start = this.emit('level_start', { levelId }, this.clock);
    if (!start) return false;
    yield start;
    const outcome = playAttempt(
      this.world,
      this.random,
      levelId,
      this.profile.skill,
      this.failsHere,
    );
    const endAt = this.clock + Math.round(outcome.seconds * 1000);
    this.clock = endAt + this.random.int(3_000, 25_000);
    if (this.random.chance(ABANDON_SHARE)) return true;
    const properties: Properties = { levelId };
    if (outcome.boosters) properties.boosters = outcome.boosters;
    if (outcome.egp !== undefined) properties.egp = outcome.egp;
    if (outcome.reported) properties.duration = outcome.seconds;
    const end = this.emit(outcome.won ? 'level_complete' : 'level_failed', properties, endAt);
    if (!end) return false;
    yield end;
    this.afterOutcome(outcome.won);
    return false;
  }

  /** A win moves the player on; a run of fails at one level makes them quit for good. */
  private afterOutcome(won: boolean): void {
    if (won) {
      this.level++;
      this.failsHere = 0;
      return;
    }
    this.failsHere++;
    // A keener player (higher intensity) puts up with more.
    const quit = (0.006 * this.failsHere) / Math.max(1, this.intensity);
    if (this.random.chance(Math.min(0.15, quit))) this.ended = true;
  }

  /** The event at `at`, or undefined once `at` lies after now: the period ends there. */
  private emit(eventName: EventName, properties: Properties, at: number): LevelEvent | undefined {
    if (at > this.world.now) {
      this.ended = true;
      return undefined;
    }
    // Drawn before anything is built, so that a pilot that only counts stays in step.
    const missing = this.random.chance(MISSING_SHARE) ? this.random.next() : -1;
    if (this.ids.countOnly) return COUNTED;
    const event: LevelEvent = {
      eventId: this.ids.nextEventId(),
      userId: this.profile.userId,
      gameId: this.world.gameId,
      sessionId: this.sessionId,
      eventName,
      properties,
      platform: this.profile.platform,
      countryCode: this.profile.countryCode,
      appVersion: this.world.appVersions[this.appVersion].name,
      levelFunnel: this.profile.variant,
      levelFunnelVersion: this.funnelVersion,
      createdAt: new Date(at).toISOString(),
    };
    if (missing >= 0) dropDimension(event, missing);
    return event;
  }
}

const optionalDimensions = [
  'countryCode',
  'appVersion',
  'levelFunnel',
  'levelFunnelVersion',
] as const;

/** Real data has gaps: a client that sends no country, an old build without a funnel. */
function dropDimension(event: LevelEvent, draw: number): void {
  const pick = Math.floor(draw * 2 * optionalDimensions.length);
  const field = optionalDimensions[pick >> 1];
  // Some clients leave the field out, others send null.
  if (pick % 2 === 0) delete event[field];
  else event[field] = null;
}
