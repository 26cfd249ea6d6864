// How numbers read on the page, and a small helper to build elements without innerHTML.

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** The sign of a value the API could not compute (its denominator was 0). */
export const NONE = '–';

export const formats = {
  int: (v) => integer.format(v),
  pct: (v) => `${v.toFixed(1)}%`,
  ratio: (v) => v.toFixed(2),
  seconds: (v) => v.toFixed(1),
};

/** A value in one of `formats`; null (a zero denominator) as '–'. */
export function format(value, kind) {
  return value === null || value === undefined ? NONE : formats[kind](value);
}

/** A new element with a class and text; children appended in order. */
export function element(tag, className, text, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  node.append(...children);
  return node;
}

/** 'YYYY-MM-DDTHH:MM:SS.sssZ' → 'YYYY-MM-DD HH:MM:SS UTC'. */
export function utcTime(iso) {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC` : NONE;
}

/** Wins over wins and fails of all levels together, in %; null without either. */
export function overallWinRate(levels) {
  const wins = levels.reduce((n, l) => n + l.completes, 0);
  const outcomes = levels.reduce((n, l) => n + l.completes + l.fails, 0);
  return outcomes === 0 ? null : (wins / outcomes) * 100;
}

/**
 * Levels whose win rate lies at least `points` percentage points below the median of the
 * levels around them: the spikes a level designer looks for. A level of fewer than
 * `minAttempts` wins and fails is too small a sample to call.
 */
export function hardLevelIds(levels, { points = 20, around = 5, minAttempts = 10 } = {}) {
  const hard = new Set();
  levels.forEach((level, i) => {
    if (level.winRate === null || level.completes + level.fails < minAttempts) return;
    const neighbours = levels
      .slice(Math.max(0, i - around), i + around + 1)
      .filter((l) => l !== level && l.winRate !== null)
      .map((l) => l.winRate);
    if (neighbours.length >= 2 && level.winRate <= median(neighbours) - points) {
      hard.add(level.levelId);
    }
  });
  return hard;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
