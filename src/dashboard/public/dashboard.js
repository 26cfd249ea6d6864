// The Level Funnel page: reads the controls (and the URL), asks the level-funnel API, and shows
// the summary, the charts and the table of every level.

import { FunnelCharts } from './funnelCharts.js';
import { hardLevelIds, overallWinRate } from './format.js';
import { LevelTable } from './levelTable.js';
import { funnelUrl, normalise, quickRange, readState, toSearch } from './query.js';
import { renderSummary } from './summary.js';

const $ = (id) => document.getElementById(id);

const form = $('controls');
const table = new LevelTable($('levelTable'));
const charts = new FunnelCharts($('funnelChart'), $('winRateChart'));
let inFlight;
let pending;

/** Typing a date changes it segment by segment: read once the controls rest a moment. */
const SETTLE_MS = 300;

function formState() {
  return normalise(Object.fromEntries(new FormData(form)));
}

function fillForm(state) {
  for (const [name, value] of Object.entries(state)) {
    const field = form.elements.namedItem(name);
    if (field && name !== 'gameId') field.value = value;
  }
}

/** Busy while a read is under way; assistive technology (and the tests) wait for it. */
function setBusy(busy) {
  document.querySelector('main').setAttribute('aria-busy', String(busy));
}

function showStatus(text) {
  $('status').textContent = text;
}

function showError(message) {
  $('result').hidden = true;
  $('errorMessage').textContent = message;
  $('error').hidden = false;
  showStatus('');
}

/** Marks the quick-range button whose range is the one shown, if any. */
function markQuickRange(state) {
  for (const button of form.querySelectorAll('[data-days]')) {
    const range = quickRange(Number(button.dataset.days));
    const pressed = range.startDate === state.startDate && range.endDate === state.endDate;
    button.setAttribute('aria-pressed', String(pressed));
  }
}

async function getJson(url, signal) {
  let response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new Error('The level funnel service does not answer. Is it running?');
  }
  const body = await response.json().catch(() => null);
  if (response.ok && body) return body;
  throw new Error(body?.error?.message ?? `The service answered ${response.status}.`);
}

async function loadGames(wanted) {
  const { games } = await getJson('/api/games');
  if (wanted && !games.some((g) => g.gameId === wanted)) games.unshift({ gameId: wanted });
  const label = (g) => (g.firstDay ? `${g.gameId} (${g.firstDay} to ${g.lastDay})` : g.gameId);
  const select = $('gameId');
  select.replaceChildren(...games.map((g) => new Option(label(g), g.gameId)));
  select.value = wanted || games[0]?.gameId || '';
  return games.length;
}

function render(state, response) {
  const { levels } = response;
  const hard = hardLevelIds(levels);

  $('error').hidden = true;
  $('result').hidden = false;
  renderSummary($('summary'), response);
  $('playerCounts').textContent = response.meta.playerCounts;
  $('empty').hidden = levels.length > 0;
  $('levels').hidden = levels.length === 0;
  if (levels.length > 0) {
    charts.show(levels, hard, overallWinRate(levels));
    table.show(levels, hard);
  } else charts.clear();
  const range = `${state.startDate} to ${state.endDate} (UTC)`;
  showStatus(
    `Game ${state.gameId}, ${range}: ${levels.length} levels, ${response.meta.mode} read.`,
  );
}

/** Reads the controls, puts them in the URL, and shows the level funnel they ask for. */
async function load() {
  clearTimeout(pending);
  const state = formState();
  history.replaceState(null, '', toSearch(state));
  markQuickRange(state);
  if (!state.gameId) return setBusy(false);

  inFlight?.abort();
  const controller = (inFlight = new AbortController());
  setBusy(true);
  showStatus('Loading…');
  try {
    render(state, await getJson(funnelUrl(state), controller.signal));
  } catch (error) {
    if (error.name === 'AbortError') return;
    showError(error.message);
  }
  setBusy(false);
}

function loadSoon() {
  clearTimeout(pending);
  setBusy(true);
  pending = setTimeout(() => void load(), SETTLE_MS);
}

function setRange(days) {
  fillForm(quickRange(days));
  void load();
}

async function start() {
  const state = readState(location.search);
  fillForm(state);
  form.addEventListener('change', loadSoon);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  for (const button of form.querySelectorAll('[data-days]')) {
    button.addEventListener('click', () => setRange(Number(button.dataset.days)));
  }
  try {
    const games = await loadGames(state.gameId);
    if (games === 0) showStatus('No game has level events yet: send some to POST /api/events.');
  } catch (error) {
    showError(error.message);
    return setBusy(false);
  }
  await load();
}

void start();
