// The dashboard: without a zone picked, the national or one board's
// (overview.js); with one, that zone's. The zone's figures are the server's (GET
// /stats/zones/{id}), so the map says what the boards' reports say:
// leasable, leased, reserved and available hectares; occupancy; green
// area unioned and clipped to the zone against the minimum share;
// enterprises, workers and capital. Areas in hectares, shares in percent
// from 0 to 100. Capital is exact for a planner's key (sent, as for the
// lease history), else as the server discloses it: rounded, with the
// unit, or withheld with the reason. Then the zone's dossier and exports,
// in the formats the server lists, labelled in plain words.

import { base, getJSON, query } from './api.js';
import { $, h, rows } from './dom.js';
import { enums } from './enums.js';
import { hectares, zoneName } from './format.js';
import { num, pct, t } from './i18n.js';
import { investmentFigures, investmentSection } from './investment.js';
import { greenColor, statusColors } from './mapstyle.js';
import { renderOverview } from './overview.js';
import { state } from './state.js';

// The overview's sections after the zones', each a function of {board}
// (the scope: '' for the country, else a board id) returning an element
// at once (which it may fill when its data come) or null; called again
// when the scope or the language changes.
const overviewSections = [investmentSection];

let dashboardFor = null;
let overviewWaits = false; // the overview is drawn when its tab is opened

// renderDashboard shows the figures of state.zone, or without one the
// national or a board's.
export async function renderDashboard() {
  const box = $('#dashboard');
  if (!box) return;
  const z = state.zone;
  if (!z) {
    dashboardFor = null;
    // Drawn when its tab is first opened, not with every page load.
    const tab = $('#tab-dashboard');
    if ($('#panel-dashboard')?.hidden && tab) {
      if (!overviewWaits) tab.addEventListener('click', () => { overviewWaits = false; renderDashboard(); }, { once: true });
      overviewWaits = true;
      box.replaceChildren(h('p', {}, t('loading')));
      return;
    }
    await renderOverview(box, overviewSections);
    return;
  }
  dashboardFor = z.id;
  const back = () => h('button', { type: 'button', class: 'back', id: 'dashboard-back', onclick: () => { state.zone = null; renderDashboard(); } }, '← ' + t('backToOverview'));
  box.replaceChildren(back(), h('h3', {}, zoneName(z.properties)), h('p', {}, t('loading')));
  try {
    const doc = await getJSON(`/stats/zones/${z.id}`, { withKey: true });
    if (dashboardFor !== z.id) return;
    const s = doc.zone;
    // leased_ha, reserved_ha, available_ha: one figure per parcel status.
    const byHa = Object.fromEntries(enums.parcel_statuses.map((st) => [st, s[st + '_ha']]));
    const committed = s.leasable_ha > 0 ? ((s.leased_ha + s.reserved_ha) / s.leasable_ha) * 100 : NaN;
    box.replaceChildren(
      back(),
      h('h3', {}, zoneName(z.properties)),
      h('p', { class: 'alt-name' }, `${s.code} · ${hectares(s.area_ha)}`),
      h('p', { class: 'note', id: 'stats-as-of' }, `${t('asOf')} ${doc.as_of}`),
      h('h4', {}, t('land')),
      gauge('occupancy', t('occupancy'), s.occupancy_pct, statusColors.leased, t('occupancyNote')),
      gauge('committed', t('committed'), committed, statusColors.reserved, ''),
      stackedBar(byHa, s.leasable_ha),
      h('table', { class: 'figures', id: 'land-table' },
        h('tr', {}, h('th', {}, t('status')), h('th', { class: 'num' }, t('area')), h('th', { class: 'num' }, t('share'))),
        enums.parcel_statuses.map((st) => h('tr', { dataset: { status: st } },
          h('td', {}, h('span', { class: 'swatch', style: `background:${statusColors[st] || '#999'}` }), t('status.' + st)),
          h('td', { class: 'num' }, hectares(byHa[st])),
          h('td', { class: 'num' }, s.leasable_ha > 0 ? pct((byHa[st] / s.leasable_ha) * 100) : '–'))),
        h('tr', { class: 'total' },
          h('td', {}, h('span', { title: t('leasable') }, `${t('total')} (${num(s.parcels, 0)} ${t('lots')})`)),
          h('td', { class: 'num' }, hectares(s.leasable_ha)),
          h('td', { class: 'num' }, s.leasable_ha > 0 ? pct(100) : '–'))),
      h('h4', {}, t('greenAreas')),
      greenGauge(s),
      h('h4', {}, t('investment')),
      rows([
        [t('enterprises'), sourced('enterprises', num(s.enterprises, 0), s.enterprises_source)],
        [t('workers'), sourced('workers', num(s.workers, 0), s.workers_source)],
        [t('capital'), capitalText(s)],
        [t('leasesInForce'), num(s.leases_in_force, 0)],
      ]),
      dossierLinks(z),
      investmentFigures(z.id, 'dash'),
      exportButtons(z));
  } catch (err) {
    if (dashboardFor === z.id) box.replaceChildren(h('p', { class: 'error' }, err.message));
  }
}

// gauge is a labelled bar for a percentage v from 0 to 100.
function gauge(id, label, v, color, note, ...extra) {
  return h('div', { class: 'gauge', id: 'gauge-' + id },
    h('div', { class: 'gauge-label' }, h('span', {}, label, ...extra), h('strong', { class: 'gauge-value' }, pct(v))),
    h('div', { class: 'gauge-track' }, h('div', { class: 'gauge-fill', style: `width:${Number.isFinite(v) ? Math.min(100, Math.max(0, v)) : 0}%;background:${color}` })),
    note ? h('div', { class: 'note' }, note) : null);
}

// greenGauge shows green coverage with a mark at the minimum share and a
// badge saying whether the zone reaches it.
function greenGauge(s) {
  const badge = h('span', { id: 'green-compliance', class: 'badge ' + (s.green_compliant ? 'ok' : 'fail') },
    s.green_compliant ? '✓ ' + t('compliant') : '✗ ' + t('notCompliant'));
  const g = gauge('green', t('greenCoverage'), s.green_coverage_pct, greenColor, '', badge);
  g.querySelector('.gauge-track').append(h('div', { class: 'gauge-min', title: `${t('greenMin')} ${pct(s.min_green_pct)}`, style: `left:${Math.min(100, s.min_green_pct)}%` }));
  g.append(
    h('div', { class: 'gauge-sub' }, `${hectares(s.green_ha)} · ${t('greenMin')} ${pct(s.min_green_pct)}`),
    h('div', { class: 'note' }, t('greenNote')));
  return g;
}

// capitalText is a capital figure as the server disclosed it
// (capital_disclosure): exact, "≈ rounded (to the nearest unit)", or why
// it is withheld.
function capitalText(s) {
  const text = (v) => h('span', { id: 'fig-capital', dataset: { disclosure: s.capital_disclosure } }, v);
  if (s.capital_usd == null) return text(s.capital_disclosure && s.capital_disclosure.startsWith('withheld: fewer') ? t('capitalFewLessees') : t('capitalWithheld'));
  if (s.capital_disclosure === 'rounded') return text(`≈ ${num(s.capital_usd, 0)} (${t('capitalRounded')} ${num(s.capital_rounding_usd, 0)})`);
  return text(num(s.capital_usd, 0));
}

// sourced is a figure with where it comes from: the zone's published
// figure or one derived from the leases in force.
function sourced(id, text, source) {
  return h('span', { id: 'fig-' + id }, text, ' ', h('span', { class: 'source source-' + source }, `(${t('source.' + source)})`));
}

function stackedBar(byHa, totalHa) {
  return h('div', { class: 'stacked' }, enums.parcel_statuses.map((st) =>
    h('div', { title: `${t('status.' + st)}: ${hectares(byHa[st])}`, style: `width:${totalHa > 0 ? (byHa[st] / totalHa) * 100 : 0}%;background:${statusColors[st] || '#999'}` })));
}

// exportButtons links the zone's statistics as CSV, its parcels and green
// areas as GeoJSON from the items endpoint, and as every other format the
// server lists for /collections/{c}/export. CSV downloads ask for a UTF-8
// byte order mark (bom=true), by which Excel reads Vietnamese names right.
function exportButtons(z) {
  const links = [
    h('a', { class: 'button', id: 'stats-csv', href: base + `/stats/zones/${z.id}` + query({ f: 'csv', bom: 'true' }), download: `zone-stats-${z.properties.code}.csv` }, t('statsCsv')),
  ];
  for (const [c, key] of [['parcels', 'parcels'], ['green-areas', 'greenAreas']]) {
    links.push(h('a', { class: 'button', href: base + `/collections/${c}/items` + query({ zone: z.id, limit: 10000, f: 'json' }), download: `${z.properties.code}-${c}.geojson` }, `${t(key)} · GeoJSON`));
    for (const f of enums.export_formats) {
      if (f === 'json' || f === 'geojson') continue;
      links.push(h('a', { class: 'button', href: base + `/collections/${c}/export` + query({ f, zone: z.id, bom: f === 'csv' ? 'true' : undefined }) }, `${t(key)} · ${t('format.' + f)}`));
    }
  }
  return h('div', { class: 'exports' }, h('h3', {}, t('export')), h('div', { class: 'buttons' }, links));
}

// dossierLinks offers zone z's dossier (GET /zones/{id}/dossier: the zone
// with its parcels and green areas in one file) in every format the server
// lists, labelled in plain words; CSV with the byte order mark.
export function dossierLinks(z) {
  return h('div', { class: 'dossier' },
    h('h3', {}, t('dossier')),
    h('p', { class: 'note' }, t('dossierNote')),
    h('div', { class: 'buttons' }, enums.export_formats.map((f) =>
      h('a', { class: 'button', dataset: { format: f }, href: base + `/zones/${z.id}/dossier` + query({ f, bom: f === 'csv' ? 'true' : undefined }) }, t('format.' + f)))));
}
