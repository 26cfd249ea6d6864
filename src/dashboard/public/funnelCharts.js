// The two charts, one above the other with a shared cursor: the funnel (bars) and the win rate
// per level (a line, hard levels marked), drawn with uPlot on canvas.

import uPlot from './uplot.esm.js';
import { format } from './format.js';

const colors = {
  funnel: '#3b6ea8',
  funnelFill: 'rgba(59, 110, 168, 0.72)',
  win: '#2f7d5b',
  hard: '#c2410c',
  overall: '#8a94a6',
  axis: '#5b6472',
  grid: 'rgba(91, 100, 114, 0.14)',
};

const percent = (_u, value) => format(value, 'pct');

/** A level axis of whole numbers, half a level of room either side for the end bars. */
const levelScale = { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] };

const axisStyle = { stroke: colors.axis, grid: { stroke: colors.grid }, ticks: { show: false } };

function axes(yLabel) {
  return [
    {
      ...axisStyle,
      label: 'Level',
      incrs: [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000],
      values: (_u, splits) => splits.map((v) => String(v)),
    },
    { ...axisStyle, label: yLabel, size: 56, values: (_u, splits) => splits.map((v) => `${v}%`) },
  ];
}

function options(element, height, yLabel, yMax, series) {
  return {
    width: element.clientWidth,
    height,
    cursor: { sync: { key: 'levels' }, drag: { x: false, y: false } },
    scales: {
      x: levelScale,
      y: { range: (_u, _min, max) => [0, Math.max(yMax, Math.ceil(max / 10) * 10)] },
    },
    axes: axes(yLabel),
    series: [{ label: 'Level', value: (_u, v) => (v === null ? '–' : String(v)) }, ...series],
  };
}

function funnelChart(element, levels) {
  // Which levels got a bar, from uPlot's own drawing: the page states it for tests and tools.
  const drawn = new Set();
  const bars = uPlot.paths.bars({ size: [0.8, 48], each: (_u, _s, idx) => drawn.add(idx) });
  const series = [
    {
      label: 'Funnel (% of level-1 starters)',
      stroke: colors.funnel,
      fill: colors.funnelFill,
      paths: bars,
      points: { show: false },
      value: percent,
    },
  ];
  const opts = options(element, 240, 'Funnel', 100, series);
  opts.hooks = { draw: [() => (element.dataset.bars = String(drawn.size))] };
  const data = [levels.map((l) => l.levelId), levels.map((l) => l.funnelRate)];
  return new uPlot(opts, data, element);
}

function winRateChart(element, levels, hard, overall) {
  const series = [
    { label: 'Win rate', stroke: colors.win, width: 2, value: percent, points: { size: 5 } },
    {
      label: 'Hard level',
      stroke: colors.hard,
      fill: colors.hard,
      paths: () => null,
      points: { show: true, size: 9, fill: colors.hard, stroke: colors.hard },
      value: percent,
    },
    {
      label: 'Overall',
      stroke: colors.overall,
      dash: [6, 4],
      points: { show: false },
      value: percent,
    },
  ];
  const data = [
    levels.map((l) => l.levelId),
    levels.map((l) => l.winRate),
    levels.map((l) => (hard.has(l.levelId) ? l.winRate : null)),
    levels.map(() => overall),
  ];
  return new uPlot(options(element, 200, 'Win rate', 100, series), data, element);
}

function describe(levels, key, what) {
  const first = levels[0];
  const last = levels[levels.length - 1];
  return (
    `${what} of ${levels.length} levels, from ${format(first[key], 'pct')} at level ` +
    `${first.levelId} to ${format(last[key], 'pct')} at level ${last.levelId}`
  );
}

export class FunnelCharts {
  constructor(funnelElement, winRateElement) {
    this.elements = [funnelElement, winRateElement];
    this.charts = [];
    new ResizeObserver(() => this.resize()).observe(funnelElement);
  }

  /** Draws both charts anew for `levels` (sorted by levelId); `overall` is the overall win rate. */
  show(levels, hard, overall) {
    this.clear();
    const [funnel, winRate] = this.elements;
    this.charts = [funnelChart(funnel, levels), winRateChart(winRate, levels, hard, overall)];
    funnel.setAttribute('aria-label', describe(levels, 'funnelRate', 'Funnel rate'));
    winRate.setAttribute('aria-label', describe(levels, 'winRate', 'Win rate'));
  }

  clear() {
    for (const chart of this.charts) chart.destroy();
    this.charts = [];
  }

  resize() {
    for (const chart of this.charts) {
      const width = chart.root.parentElement.clientWidth;
      if (width > 0 && width !== chart.width) chart.setSize({ width, height: chart.height });
    }
  }
}
