// The tiles above the charts: who starts, how deep players get, how often they win, and where
// the numbers came from.

import { NONE, element, format, overallWinRate, utcTime } from './format.js';

/** The deepest level that at least this share (%) of level-1 starters complete. */
const REACH_THRESHOLD = 1;

function sum(levels, key) {
  return levels.reduce((total, level) => total + level[key], 0);
}

function reachTile(levels) {
  const deepest = levels.findLast((l) => l.funnelRate !== null && l.funnelRate >= REACH_THRESHOLD);
  if (!deepest) {
    const completed = format(sum(levels, 'completedPlayers'), 'int');
    return ['Completed players', completed, 'all levels; no level-1 starters in range'];
  }
  const players = deepest.completedPlayers === 1 ? 'player' : 'players';
  const share = format(deepest.funnelRate, 'pct');
  const count = format(deepest.completedPlayers, 'int');
  const note = `${count} ${players} completed it, ${share} of level-1 starters`;
  return [`Deepest level (≥ ${REACH_THRESHOLD}%)`, `Level ${deepest.levelId}`, note];
}

function winTile(levels) {
  const [wins, fails] = [sum(levels, 'completes'), sum(levels, 'fails')];
  const note = `${format(wins, 'int')} wins, ${format(fails, 'int')} fails`;
  return ['Overall win rate', format(overallWinRate(levels), 'pct'), note];
}

function daysTile(meta) {
  const { rollupDays, liveDays, rawDays } = meta;
  const value = `${rollupDays.length} rollup · ${liveDays.length} live · ${rawDays.length} raw`;
  return ['Days read from', value, `as of ${utcTime(meta.asOf)}`];
}

function describeDays(meta) {
  const list = (days) => (days.length ? days.join(', ') : 'none');
  return (
    `Rollup: ${list(meta.rollupDays)}\nRollup plus live events: ${list(meta.liveDays)}\n` +
    `Raw events: ${list(meta.rawDays)}`
  );
}

function tile([label, value, note], name) {
  const node = element(
    'div',
    'tile',
    null,
    element('div', 'tile-label', label),
    element('div', 'tile-value', value),
    element('div', 'tile-note', note),
  );
  node.dataset.tile = name;
  return node;
}

/** Fills `container` with the summary tiles of one level-funnel response. */
export function renderSummary(container, response) {
  const { levels, meta } = response;
  const levelOne = levels.find((l) => l.levelId === 1);
  const starters = levelOne ? format(levelOne.startedPlayers, 'int') : NONE;
  const tiles = [
    tile(['Level-1 starters', starters, 'daily-unique players, summed over days'], 'starters'),
    tile(reachTile(levels), 'reach'),
    tile(winTile(levels), 'winRate'),
    tile(['Query time', `${meta.ms} ms`, `${meta.mode} read`], 'queryTime'),
    tile(daysTile(meta), 'days'),
  ];
  tiles[4].title = describeDays(meta);
  container.replaceChildren(...tiles);
}
