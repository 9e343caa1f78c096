// The details panel: what was clicked on the map (a parcel with its
// leases, a green area, a zone with its board), or a zone picked from
// the search.

import { errorText, getJSON } from './api.js';
import { dossierLinks, renderDashboard } from './dashboard.js';
import { $, h, rows } from './dom.js';
import { stopEdit } from './edit.js';
import { ha, otherZoneName, zoneName } from './format.js';
import { getLang, num, t } from './i18n.js';
import { empty } from './mapstyle.js';
import { investmentFigures } from './investment.js';
import { investorFacts } from './investor.js';
import { fitFeature, setSource } from './map.js';
import { canEdit, plannerTools } from './parcelforms.js';
import { countryName, provinceName, sectorName } from './places.js';
import { state } from './state.js';
import { selectTab } from './tabs.js';

// Management boards by id, from GET /boards, fetched once (again after a
// failure). A failure gives an empty map: the popup then shows the id.
let boardsPromise = null;

function boards() {
  boardsPromise ??= getJSON('/boards').then(
    (doc) => new Map(doc.boards.map((b) => [b.id, b])),
    () => {
      boardsPromise = null;
      return new Map();
    });
  return boardsPromise;
}

function boardName(id, byID) {
  const b = byID.get(id);
  if (!b) return id;
  return getLang() === 'en' ? b.name_en || b.name_vi : b.name_vi || b.name_en;
}

// showFeatureAt opens what the map draws at point (a parcel before a
// green area before a zone), or closes the panel where it draws nothing.
export async function showFeatureAt(point) {
  const hits = state.map.queryRenderedFeatures(point, { layers: ['parcels-fill', 'green-fill', 'zones-fill'] });
  const pick = (layer) => hits.find((f) => f.layer.id === layer);
  const f = pick('parcels-fill') || pick('green-fill') || pick('zones-fill');
  if (!f) {
    closeDetails();
    return;
  }
  const id = f.properties.id;
  if (f.layer.id === 'parcels-fill') await showParcel(id);
  else if (f.layer.id === 'green-fill') await showGreen(id);
  else await showZone(id);
}

function openDetails(title, ...body) {
  stopEdit('parcel'); // a parcel's edit ends with its panel
  const panel = $('#details');
  panel.replaceChildren(
    h('div', { class: 'details-head' },
      h('h2', { tabindex: '-1' }, title),
      h('button', { class: 'close', title: t('close'), 'aria-label': t('close'), onclick: closeDetails }, '×')),
    ...body.filter(Boolean), // a left-out part (null) is not the text "null"
  );
  panel.hidden = false;
  document.body.classList.add('has-details');
  panel.querySelector('h2').focus({ preventScroll: true });
}

export function closeDetails() {
  stopEdit('parcel');
  $('#details').hidden = true;
  document.body.classList.remove('has-details');
  setSource('selection', empty());
}

function showError(err) {
  openDetails(t('error'), h('p', { class: 'error' }, errorText(err)));
}

export async function showParcel(id) {
  try {
    const f = await getJSON(`/collections/parcels/items/${id}`);
    setSource('selection', f);
    const p = f.properties;
    let zone = null;
    try {
      zone = await getJSON(`/collections/zones/items/${p.zone_id}`);
    } catch {
      zone = null;
    }
    const leasesBox = h('div', { class: 'leases' }, h('p', {}, t('loading')));
    openDetails(`${t('lotCode')} ${p.lot_code}`,
      h('span', { class: `badge status-${p.status}` }, t('status.' + p.status)),
      rows([
        [t('lotCode'), p.lot_code],
        [t('zone'), zone ? zoneName(zone.properties) : p.zone_id],
        [t('landUse'), t('use.' + p.land_use)],
        [t('area'), ha(p.area_m2)],
      ]),
      p.synthetic ? h('p', { class: 'note' }, t('synthetic')) : null,
      canEdit() ? plannerTools(f, showParcel) : null,
      h('h3', {}, t('leases')),
      leasesBox);
    document.body.dataset.selectedParcel = p.lot_code;
    try {
      const doc = await getJSON(`/parcels/${id}/leases`, { withKey: true });
      leasesBox.replaceChildren(...leaseViews(doc.leases));
    } catch (err) {
      leasesBox.replaceChildren(h('p', { class: 'error' }, errorText(err)));
    }
  } catch (err) {
    showError(err);
  }
}

function leaseViews(leases) {
  if (!leases.length) return [h('p', {}, t('noLeases'))];
  const confidential = leases.some((l) => 'capital_usd' in l);
  const out = leases.map((l) =>
    h('div', { class: 'lease' + (l.in_force ? ' in-force' : '') },
      h('div', { class: 'lessee' }, l.lessee, l.in_force ? h('span', { class: 'badge' }, t('inForce')) : null),
      rows([
        [t('country'), countryName(l.country)],
        [t('sector'), sectorName(l.sector)],
        [t('period'), `${l.start} → ${l.ended_on || l.end}`],
        [t('workers'), num(l.workers, 0)],
        ['capital_usd' in l ? `${t('capital')} (${t('confidential')})` : null, 'capital_usd' in l ? num(l.capital_usd, 0) : null],
        ['contact' in l ? `${t('contact')} (${t('confidential')})` : null, l.contact],
      ].filter(([k]) => k))));
  if (!confidential) out.push(h('p', { class: 'note' }, t('confidentialHidden')));
  return out;
}

async function showGreen(id) {
  try {
    const f = await getJSON(`/collections/green-areas/items/${id}`);
    setSource('selection', f);
    const p = f.properties;
    openDetails(p.name || t('green.' + p.kind),
      rows([[t('kind'), t('green.' + p.kind)], [t('name'), p.name], [t('area'), ha(p.area_m2)]]),
      p.synthetic ? h('p', { class: 'note' }, t('synthetic')) : null);
  } catch (err) {
    showError(err);
  }
}

// showZone opens a zone (brought into view when fit) and makes it the
// dashboard's.
export async function showZone(id, { fit = false } = {}) {
  try {
    const [f, byID] = await Promise.all([getJSON(`/collections/zones/items/${id}`), boards()]);
    setSource('selection', f);
    if (fit) fitFeature(f, 15);
    const p = f.properties;
    openDetails(zoneName(p),
      h('p', { class: 'alt-name' }, otherZoneName(p)),
      rows([
        [t('code'), p.code],
        [t('kind'), t('kind.' + p.kind)],
        [t('status'), t('status.' + p.status)],
        [t('province'), provinceName(p.province)],
        [t('board'), p.board_id ? h('span', { class: 'board-name', dataset: { board: p.board_id } }, boardName(p.board_id, byID)) : null],
        [t('area'), ha(p.area_m2)],
        [t('established'), p.established],
        [t('enterprises'), p.enterprises == null ? null : num(p.enterprises, 0)],
        [t('workers'), p.workers == null ? null : num(p.workers, 0)],
      ]),
      investorFacts(f),
      investmentFigures(id, 'card'),
      h('button', { class: 'primary', onclick: () => { selectTab('dashboard'); } }, t('openDashboard')),
      dossierLinks(f));
    state.zone = f;
    renderDashboard();
  } catch (err) {
    showError(err);
  }
}
