// The table of every level, sortable by any column; missing values always sort last.

import { element, format } from './format.js';

/** The columns, in order: the API's field, its heading, how it reads and what it means. */
export const columns = [
  { key: 'levelId', label: 'Level', kind: 'int', title: 'levelId' },
  { key: 'starts', label: 'Starts', kind: 'int', title: 'level_start events' },
  { key: 'completes', label: 'Wins', kind: 'int', title: 'level_complete events (completes)' },
  { key: 'fails', label: 'Fails', kind: 'int', title: 'level_failed events' },
  {
    key: 'startedPlayers',
    label: 'Started players',
    kind: 'int',
    title: 'players with a level_start, daily-unique, summed over days',
  },
  {
    key: 'completedPlayers',
    label: 'Completed players',
    kind: 'int',
    title: 'players with a level_complete, daily-unique, summed over days',
  },
  { key: 'winRate', label: 'Win rate', kind: 'pct', title: 'wins / (wins + fails)' },
  {
    key: 'completionRate',
    label: 'Completion rate',
    kind: 'pct',
    title: 'completed players / started players',
  },
  {
    key: 'attemptsPerCompletion',
    label: 'Attempts per win',
    kind: 'ratio',
    title: '(wins + fails) / wins',
  },
  { key: 'apsRaw', label: 'APS raw', kind: 'ratio', title: 'starts / completed players' },
  { key: 'apsClean', label: 'APS clean', kind: 'ratio', title: 'wins / (wins + fails)' },
  {
    key: 'boosterUsage',
    label: 'Booster usage',
    kind: 'pct',
    title: 'wins and fails with a booster / (wins + fails)',
  },
  {
    key: 'egpRate',
    label: 'EGP rate',
    kind: 'pct',
    title: 'fails with paid extra plays (EGP) / fails',
  },
  {
    key: 'funnelRate',
    label: 'Funnel',
    kind: 'pct',
    title: 'completed players of this level / started players of level 1',
  },
  {
    key: 'avgCompletionDuration',
    label: 'Avg win time (s)',
    kind: 'seconds',
    title: 'mean duration of a won attempt, seconds',
  },
  {
    key: 'avgFailDuration',
    label: 'Avg fail time (s)',
    kind: 'seconds',
    title: 'mean duration of a failed attempt, seconds',
  },
];

function compare(key, direction) {
  return (a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === null || y === null) return (x === null) - (y === null);
    return (x - y) * direction || a.levelId - b.levelId;
  };
}

export class LevelTable {
  constructor(table) {
    this.table = table;
    this.levels = [];
    this.hard = new Set();
    this.sort = { key: 'levelId', direction: 1 };
    this.renderHead();
  }

  renderHead() {
    const row = element('tr');
    for (const column of columns) {
      const button = element('button', 'sort', column.label);
      button.type = 'button';
      button.title = column.title;
      button.addEventListener('click', () => this.sortBy(column.key));
      const th = element('th', column.kind === 'int' ? 'num' : 'num rate', null, button);
      th.scope = 'col';
      th.dataset.key = column.key;
      row.append(th);
    }
    this.table.tHead.replaceChildren(row);
  }

  sortBy(key) {
    const same = this.sort.key === key;
    this.sort = { key, direction: same ? -this.sort.direction : 1 };
    this.renderBody();
  }

  show(levels, hard) {
    this.levels = levels;
    this.hard = hard;
    this.renderBody();
  }

  renderBody() {
    const { key, direction } = this.sort;
    for (const th of this.table.tHead.rows[0].cells) {
      if (th.dataset.key !== key) th.removeAttribute('aria-sort');
      else th.setAttribute('aria-sort', direction > 0 ? 'ascending' : 'descending');
    }
    const rows = [...this.levels].sort(compare(key, direction)).map((l) => this.row(l));
    this.table.tBodies[0].replaceChildren(...rows);
  }

  row(level) {
    const tr = element('tr');
    tr.dataset.levelId = String(level.levelId);
    if (this.hard.has(level.levelId)) tr.classList.add('hard');
    for (const column of columns) {
      const cell = element(column.key === 'levelId' ? 'th' : 'td', 'num');
      cell.textContent = format(level[column.key], column.kind);
      cell.dataset.key = column.key;
      if (column.key === 'levelId') cell.scope = 'row';
      tr.append(cell);
    }
    return tr;
  }
}
