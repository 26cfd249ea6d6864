import { UNKNOWN, UNKNOWN_FUNNEL_VERSION } from '../db/schema.ts';

/** The five dimensions a funnel can be filtered by; each takes one or more values. */
export interface FunnelFilters {
  platform?: string[];
  countryCode?: string[];
  appVersion?: string[];
  levelFunnel?: string[];
  /** `-1` stands for an unknown version (see UNKNOWN_FUNNEL_VERSION). */
  levelFunnelVersion?: number[];
}

export interface FunnelQuery {
  gameId: string;
  /** Inclusive UTC days, 'YYYY-MM-DD'. */
  startDate: string;
  endDate: string;
  filters: FunnelFilters;
}

export const filterNames = [
  'platform',
  'countryCode',
  'appVersion',
  'levelFunnel',
  'levelFunnelVersion',
] as const;

/** Splits 'a,b' into ['a','b']; an empty list means no filter. */
export function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return items.length > 0 ? items : undefined;
}

/** Reads one levelFunnelVersion filter value: an integer, or 'unknown'. */
export function parseFunnelVersion(value: string): number | undefined {
  if (value.toLowerCase() === UNKNOWN) return UNKNOWN_FUNNEL_VERSION;
  return /^-?\d+$/.test(value) ? Number(value) : undefined;
}

export function hasDimensionFilter(filters: FunnelFilters): boolean {
  return filterNames.some((name) => (filters[name]?.length ?? 0) > 0);
}
