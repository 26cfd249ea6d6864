// What the page asks for, kept in the URL so that a view can be shared or bookmarked: the same
// names as the level-funnel API's query string, plus the game.

export const filterNames = [
  'platform',
  'countryCode',
  'appVersion',
  'levelFunnel',
  'levelFunnelVersion',
];

const stateNames = ['gameId', 'startDate', 'endDate', ...filterNames, 'mode'];

/** Today's UTC day, 'YYYY-MM-DD'. */
export function todayUtc(now = new Date()) {
  return now.toISOString().slice(0, 10);
}

function daysBefore(day, n) {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - n);
  return date.toISOString().slice(0, 10);
}

/** The last `days` UTC days, today included. */
export function quickRange(days, today = todayUtc()) {
  return { startDate: daysBefore(today, days - 1), endDate: today };
}

/** 'ios, android,' → 'ios,android': the list as the API and the URL carry it. */
function tidyList(value) {
  return String(value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .join(',');
}

/** A state with every name present: lists tidied, mode either fast or legacy. */
export function normalise(values) {
  const state = { gameId: '', startDate: '', endDate: '', mode: 'fast' };
  for (const name of ['gameId', 'startDate', 'endDate']) state[name] = (values[name] ?? '').trim();
  for (const name of filterNames) state[name] = tidyList(values[name]);
  state.mode = values.mode === 'legacy' ? 'legacy' : 'fast';
  return state;
}

/** The state a URL's query string asks for; dates default to the last 7 days. */
export function readState(search) {
  const params = new URLSearchParams(search);
  const values = { ...quickRange(7) };
  for (const name of stateNames) {
    const value = params.get(name);
    if (value !== null && value !== '') values[name] = value;
  }
  return normalise(values);
}

/** The query string of a state: empty filters and the default mode left out. */
export function toSearch(state) {
  const params = new URLSearchParams();
  for (const name of stateNames) {
    if (state[name] && !(name === 'mode' && state[name] === 'fast')) params.set(name, state[name]);
  }
  return `?${params}`;
}

/** The level-funnel API request for a state. */
export function funnelUrl(state) {
  const params = new URLSearchParams({ startDate: state.startDate, endDate: state.endDate });
  for (const name of filterNames) if (state[name]) params.set(name, state[name]);
  params.set('mode', state.mode);
  return `/api/games/${encodeURIComponent(state.gameId)}/level-funnel?${params}`;
}
