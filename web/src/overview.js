// The national and per-board dashboard, shown without picking a zone: the
// country's figures or one management board's (the scope), all of them the
// server's (GET /stats/leasing, /stats/zones): hectares leased and capital
// per year of lease start against the plan targets, as charts and a
// table; occupancy and green coverage per zone in a table that sorts and a
// bar chart of its first rows, green coverage against the minimum share
// the statistics use (min_green_pct); zones coloured by green compliance
// on the map (compliance.js); PNG of each chart; CSV downloads with a
// byte order mark (bom=true), by which Excel reads Vietnamese names right.

import { base, errorText, getJSON, query } from './api.js';
import { categoryChart, pngButton } from './charts.js';
import { compliantColor, complianceShown, notCompliantColor, showCompliance } from './compliance.js';
import { showZone } from './details.js';
import { h } from './dom.js';
import { zoneName } from './format.js';
import { getLang, num, pct, t } from './i18n.js';
import { greenColor, statusColors } from './mapstyle.js';
import { state } from './state.js';

const planColor = '#1d4ed8';
const capitalColor = '#7c3aed';
const minColor = '#111827';

// How many zones the bar chart shows: the first rows of the table.
export const chartZones = 15;

let boardsList = null; // GET /boards, fetched once
let generation = 0; // the latest rendering: an older one's answers are dropped

// The view's state, kept while the page lives: the scope ('' for the
// country, else a board id) and the zone table's order.
const view = { board: '', sort: 'occupancy_pct', dir: -1 };

// renderOverview fills box with the dashboard of the current scope; more
// are the sections that follow the zones' (dashboard.js adds them, each a
// function of {board, audience} returning an element or null).
export async function renderOverview(box, more = []) {
  const gen = ++generation;
  box.replaceChildren(h('p', {}, t('loading')));
  const scope = view.board ? { board: view.board } : {};
  try {
    const [boards, leasing, zones] = await Promise.all([
      boardsList ?? getJSON('/boards').then((d) => (boardsList = d.boards)),
      getJSON('/stats/leasing' + query({ by: 'year', ...scope }), { withKey: true }),
      getJSON('/stats/zones' + query(scope), { withKey: true }),
    ]);
    if (gen !== generation || state.zone) return; // a newer view, or a zone picked meanwhile
    const board = boards.find((b) => b.id === view.board);
    box.replaceChildren(
      scopePicker(box, boards, more),
      h('h3', { id: 'overview-title' }, board ? boardName(board) : t('national')),
      h('p', { class: 'note', id: 'overview-as-of' }, `${t('asOf')} ${zones.as_of}`),
      leasingSection(leasing),
      zonesSection(zones),
      ...more.map((f) => f({ board: view.board })).filter(Boolean),
      downloads());
    if (complianceShown()) showCompliance(zones.items);
  } catch (err) {
    if (gen === generation && !state.zone) box.replaceChildren(h('p', { class: 'error' }, errorText(err)));
  }
}

function boardName(b) {
  return getLang() === 'en' ? b.name_en || b.name_vi : b.name_vi || b.name_en;
}

function scopePicker(box, boards, more) {
  const sel = h('select', { id: 'dash-scope', 'aria-label': t('scope') },
    h('option', { value: '', selected: !view.board }, t('national')),
    boards.map((b) => h('option', { value: b.id, selected: b.id === view.board }, boardName(b))));
  sel.addEventListener('change', () => {
    view.board = sel.value;
    renderOverview(box, more);
  });
  return h('label', { class: 'scope' }, t('scope'), ' ', sel);
}

// leasingSection: hectares leased per year against the plan, capital per
// year against the plan (as the server discloses it), and their table.
function leasingSection(doc) {
  const ps = doc.periods;
  const years = ps.map((p) => p.period);
  const haBox = h('div', { class: 'chart', id: 'chart-leasing', role: 'img', 'aria-label': t('leasingByYear') });
  const capBox = h('div', { class: 'chart', id: 'chart-capital', role: 'img', 'aria-label': t('capitalByYear') });
  let haChart = null;
  let capChart = null;
  const sec = h('section', { id: 'overview-leasing' },
    h('h4', {}, t('leasingByYear')),
    ps.length ? null : h('p', { class: 'note' }, t('noLeasing')),
    haBox,
    h('div', { class: 'buttons' },
      pngButton('png-leasing', t('chartPNG'), () => haChart, t('leasingByYear'), 'leasing-ha'),
      csvLink('leasing-csv', t('tableLeasing'), '/stats/leasing', { by: 'year', board: view.board || undefined }, 'leasing')),
    h('h4', {}, t('capitalByYear')),
    capBox,
    ps.some((p) => p.capital_usd == null) ? h('p', { class: 'note' }, t('capitalChartNote')) : null,
    h('div', { class: 'buttons' }, pngButton('png-capital', t('chartPNG'), () => capChart, t('capitalByYear'), 'leasing-capital')),
    doc.plan_scope ? null : h('p', { class: 'note' }, t('noPlan')),
    leasingTable(ps));
  if (ps.length) {
    haChart = categoryChart(haBox, {
      labels: years, unit: 'ha', digits: 1,
      series: [
        { label: t('leasedHa'), kind: 'bar', color: statusColors.leased, values: ps.map((p) => p.leased_ha) },
        { label: t('planHa'), kind: 'line', color: planColor, values: ps.map((p) => p.plan_ha) },
      ],
    });
    capChart = categoryChart(capBox, {
      labels: years, unit: 'USD', digits: 0,
      series: [
        { label: t('capitalShort'), kind: 'bar', color: capitalColor, values: ps.map((p) => p.capital_usd) },
        { label: t('planCapital'), kind: 'line', color: planColor, values: ps.map((p) => p.plan_capital_usd) },
      ],
    });
  }
  return sec;
}

function leasingTable(ps) {
  return h('div', { class: 'table-scroll' }, h('table', { class: 'figures', id: 'leasing-table' },
    h('tr', {}, ['year', 'leasedHa', 'planHa', 'planPct', 'capitalShort'].map((k, i) => h('th', { class: i ? 'num' : '' }, t(k)))),
    ps.map((p) => h('tr', { dataset: { year: p.period } },
      h('td', {}, p.period),
      h('td', { class: 'num' }, num(p.leased_ha, 2)),
      h('td', { class: 'num' }, p.plan_ha == null ? '–' : num(p.plan_ha, 2)),
      h('td', { class: 'num' }, p.plan_ha_pct == null ? '–' : pct(p.plan_ha_pct)),
      h('td', { class: 'num' }, capitalFigure(p))))));
}

// capitalFigure is a capital figure as disclosed: exact, ≈ rounded, or
// withheld (the reason in its title).
function capitalFigure(c) {
  if (c.capital_usd == null) return h('span', { title: c.capital_disclosure, class: 'withheld' }, t('withheldShort'));
  if (c.capital_disclosure === 'rounded') return h('span', { title: `${t('capitalRounded')} ${num(c.capital_rounding_usd, 0)}` }, '≈ ' + num(c.capital_usd, 0));
  return num(c.capital_usd, 0);
}

// The zone table's columns: [field, i18n key, how a value is written].
const columns = [
  ['name', 'zone', (z) => zoneName(z)],
  ['occupancy_pct', 'occupancy', (z) => pct(z.occupancy_pct)],
  ['green_coverage_pct', 'greenCoverage', (z) => pct(z.green_coverage_pct)],
  ['green_compliant', 'compliantShort', (z) => (z.green_compliant ? '✓' : '✗')],
];

// sortZones orders zones by view.sort in view.dir (1 up, -1 down), no
// figure last, ties by code (in code point order).
export function sortZones(zones) {
  const key = view.sort;
  const val = (z) => (key === 'name' ? zoneName(z) : key === 'green_compliant' ? Number(z.green_compliant) : z[key]);
  const coll = new Intl.Collator(getLang() === 'en' ? 'en' : 'vi');
  return [...zones].sort((a, b) => {
    const va = val(a), vb = val(b);
    const byCode = a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
    if (va == null || vb == null) return va == null && vb == null ? byCode : va == null ? 1 : -1;
    const c = typeof va === 'string' ? coll.compare(va, vb) : va - vb;
    return c * view.dir || byCode;
  });
}

function zonesSection(doc) {
  const zones = doc.items;
  const min = doc.min_green_pct;
  const chartBox = h('div', { class: 'chart', id: 'chart-zones', role: 'img', 'aria-label': t('zonesFigures') });
  const table = h('table', { class: 'figures sortable', id: 'zones-table' });
  let chart = null;
  const draw = () => {
    const rows = sortZones(zones);
    table.replaceChildren(
      h('thead', {}, h('tr', {}, columns.map(([key, label], i) => {
        const sorted = view.sort === key;
        const b = h('button', { type: 'button', class: 'sort', dataset: { sort: key } }, t(label), sorted ? (view.dir > 0 ? ' ▲' : ' ▼') : '');
        b.addEventListener('click', () => {
          view.dir = sorted ? -view.dir : key === 'name' ? 1 : -1;
          view.sort = key;
          draw();
        });
        return h('th', { class: i ? 'num' : '', 'aria-sort': sorted ? (view.dir > 0 ? 'ascending' : 'descending') : 'none' }, b);
      }))),
      h('tbody', {}, rows.map((z) => h('tr', { dataset: { zone: z.zone_id, code: z.code } },
        columns.map(([key, , text], i) => h('td', { class: (i ? 'num ' : '') + (key === 'green_compliant' ? (z.green_compliant ? 'ok' : 'fail') : '') },
          i ? text(z) : h('button', { type: 'button', class: 'link', onclick: () => showZone(z.zone_id, { fit: true }) }, text(z))))))));
    const first = rows.slice(0, chartZones);
    chart?.destroy();
    chart = categoryChart(chartBox, {
      labels: first.map((z) => z.code), unit: '%', digits: 1, rotate: -60, height: 240,
      series: [
        { label: t('occupancy'), kind: 'bar', align: -1, color: statusColors.leased, values: first.map((z) => z.occupancy_pct) },
        { label: t('greenCoverage'), kind: 'bar', align: 1, color: greenColor, values: first.map((z) => z.green_coverage_pct) },
        { label: `${t('greenMin')} (${pct(min)})`, kind: 'line', color: minColor, dash: [4, 3], values: first.map(() => min) },
      ],
    });
  };
  const toggle = h('input', { type: 'checkbox', id: 'compliance-toggle', checked: complianceShown() });
  toggle.addEventListener('change', () => showCompliance(toggle.checked ? zones : null));
  const compliant = zones.filter((z) => z.green_compliant).length;
  const sec = h('section', { id: 'overview-zones' },
    h('h4', {}, t('zonesFigures')),
    h('p', { class: 'note', id: 'zones-compliant' }, t('zonesCompliant').replace('{n}', num(compliant, 0)).replace('{m}', num(zones.length, 0)).replace('{min}', pct(min))),
    h('label', { class: 'toggle' }, toggle, ' ', t('complianceOnMap')),
    h('div', { class: 'legend-group' },
      h('span', { class: 'swatch', style: `background:${compliantColor}` }), t('compliant'), ' ',
      h('span', { class: 'swatch', style: `background:${notCompliantColor}` }), t('notCompliant')),
    h('p', { class: 'note' }, t('zonesChartNote').replace('{n}', num(chartZones, 0))),
    chartBox,
    h('div', { class: 'buttons' },
      pngButton('png-zones', t('chartPNG'), () => chart, t('zonesFigures'), 'zones'),
      csvLink('zones-csv', t('tableZones'), '/stats/zones', { board: view.board || undefined }, 'zones')),
    h('div', { class: 'table-scroll tall' }, table));
  draw();
  return sec;
}

// csvLink downloads a statistics route as an Excel-ready CSV.
function csvLink(id, label, path, params, file) {
  return h('a', { class: 'button', id, href: base + path + query({ ...params, f: 'csv', bom: 'true' }), download: `${file}.csv` }, `${label} · ${t('format.csv')}`);
}

function downloads() {
  return h('section', { id: 'overview-downloads' },
    h('h4', {}, t('moreDownloads')),
    h('div', { class: 'buttons' },
      csvLink('boards-csv', t('tableBoards'), '/stats/boards', {}, 'boards'),
      csvLink('provinces-csv', t('tableProvinces'), '/stats/provinces', {}, 'provinces')),
    h('p', { class: 'note' }, t('csvNote')));
}
