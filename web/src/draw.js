// Draw a polygon on the map (click the vertices, then finish or double
// click) and see what it covers (POST /query/intersects): the zones, the
// parcels by status, the green area. A planner draws a new parcel here
// too (newParcelTools): its boundary in the editor (edit.js, snapping to
// the zone boundary and the neighbouring parcels), its lot code and land
// use, saved with POST /collections/parcels/items into the zone it lies in.

import { postJSON, send } from './api.js';
import { showParcel } from './details.js';
import { $, h, rows } from './dom.js';
import { editGeometry, finishEdit, refreshTiles, startEdit, stopEdit, zoneAt } from './edit.js';
import { enums } from './enums.js';
import { ha, zoneName } from './format.js';
import { num, t } from './i18n.js';
import { canEdit, field, landUseSelect, submitting } from './parcelforms.js';
import { setSource } from './map.js';
import { empty, statusColors } from './mapstyle.js';
import { state } from './state.js';

export function drawPanel() {
  return h('div', {},
    h('p', { class: 'note', dataset: { i18n: 'drawHint' } }),
    h('div', { class: 'buttons' },
      h('button', { id: 'draw-start', class: 'primary', dataset: { i18n: 'drawStart' }, onclick: startDrawing }),
      h('button', { id: 'draw-finish', dataset: { i18n: 'drawFinish' }, onclick: finishDrawing }),
      h('button', { id: 'draw-clear', dataset: { i18n: 'drawClear' }, onclick: clearDrawing })),
    h('div', { id: 'draw-result' }),
    newParcelTools());
}

// newParcelTools: the new-parcel form, shown to those who may edit
// (again whenever the account changes).
function newParcelTools() {
  const msg = h('p', { id: 'new-msg', role: 'status' });
  const zone = h('output', { name: 'zone_id', id: 'new-zone' });
  const lot = h('input', { id: 'new-lot-code', name: 'lot_code', maxlength: 64 });
  const use = landUseSelect('new-land-use', 'land_use', enums.land_uses[0]);
  const form = h('form', { id: 'new-parcel', class: 'edit', hidden: true },
    h('p', { class: 'note' }, t('newParcelHint')),
    h('output', { name: 'geometry', id: 'new-geometry' }),
    field(t('zone'), zone),
    field(t('lotCode'), lot),
    field(t('landUse'), use),
    h('div', { class: 'buttons' },
      h('button', { type: 'button', id: 'new-finish', onclick: () => finishEdit() }, t('drawFinish')),
      h('button', { type: 'submit', class: 'primary', id: 'new-save' }, t('save')),
      h('button', { type: 'button', id: 'new-cancel', onclick: () => close() }, t('cancel'))),
    msg);
  const start = h('button', { type: 'button', id: 'new-start', class: 'primary' }, t('newParcel'));
  const box = h('div', { id: 'new-parcel-box', class: 'tool', hidden: !canEdit() }, h('h3', {}, t('newParcelTitle')), start, form);
  let zoneID = 0;
  const close = () => {
    stopEdit();
    form.hidden = true;
    start.hidden = false;
  };
  // The zone is the one the drawn boundary's first vertices lie in.
  const onChange = (edit) => {
    const z = edit.pts.map((p) => zoneAt(p)).find(Boolean);
    zoneID = z ? z.id : 0;
    zone.textContent = z ? z.properties.code : '';
  };
  start.addEventListener('click', () => {
    clearDrawing();
    startEdit({ mode: 'polygon', onChange });
    form.hidden = false;
    start.hidden = true;
  });
  form.addEventListener('submit', submitting(form, msg, async () => {
    finishEdit();
    const geometry = editGeometry();
    if (!geometry) throw new Error(t('shapeUnfinished'));
    const f = await send('POST', '/collections/parcels/items',
      { type: 'Feature', geometry, properties: { zone_id: zoneID || null, lot_code: lot.value.trim(), land_use: use.value } });
    close();
    refreshTiles();
    lot.value = '';
    await showParcel(f.id);
    document.body.dataset.created = String(f.id);
  }));
  document.addEventListener('zonegis:account', () => {
    box.hidden = !canEdit();
    if (box.hidden) close();
  });
  return box;
}

function startDrawing() {
  stopEdit(); // the editor gives the map's clicks back
  clearDrawing();
  state.drawing = true;
  state.map.getCanvas().style.cursor = 'crosshair';
  document.body.classList.add('drawing');
}

function clearDrawing() {
  state.drawing = false;
  state.drawPoints = [];
  document.body.classList.remove('drawing');
  if (state.map) state.map.getCanvas().style.cursor = '';
  setSource('draw', empty());
  $('#draw-result').replaceChildren();
}

// addVertex adds a clicked point (a MapLibre LngLat) to the polygon.
export function addVertex(lngLat) {
  state.drawPoints.push([lngLat.lng, lngLat.lat]);
  renderDraft();
}

function renderDraft() {
  const pts = state.drawPoints;
  const features = pts.map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: {} }));
  if (pts.length >= 3) features.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[...pts, pts[0]]] }, properties: {} });
  else if (pts.length === 2) features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: pts }, properties: {} });
  setSource('draw', { type: 'FeatureCollection', features });
}

export async function finishDrawing() {
  const pts = state.drawPoints;
  if (pts.length < 3) return;
  state.drawing = false;
  document.body.classList.remove('drawing');
  state.map.getCanvas().style.cursor = '';
  const polygon = { type: 'Polygon', coordinates: [[...pts, pts[0]]] };
  setSource('draw', { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: polygon, properties: {} }] });
  const out = $('#draw-result');
  out.replaceChildren(h('p', {}, t('loading')));
  try {
    const r = await postJSON('/query/intersects', polygon);
    out.replaceChildren(coverage(r));
  } catch (err) {
    out.replaceChildren(h('p', { class: 'error' }, err.message));
  }
}

function coverage(r) {
  const by = {};
  for (const s of enums.parcel_statuses) by[s] = { n: 0, m2: 0 };
  for (const f of r.parcels?.features || []) {
    const b = by[f.properties.status];
    if (b) {
      b.n++;
      b.m2 += f.properties.overlap_m2;
    }
  }
  const green = (r.green_areas?.features || []).reduce((s, f) => s + f.properties.overlap_m2, 0);
  return h('div', { class: 'coverage' },
    rows([[t('drawArea'), ha(r.area_m2)]]),
    h('h3', {}, t('zones')),
    h('ul', { class: 'plain' }, (r.zones?.features || []).map((f) => h('li', {}, `${zoneName(f.properties)} — ${ha(f.properties.overlap_m2)} ${t('overlap')}`))),
    h('h3', {}, t('parcels')),
    h('table', { class: 'figures' },
      h('tr', {}, h('th', {}, t('status')), h('th', {}, t('count')), h('th', {}, t('area'))),
      enums.parcel_statuses.map((s) => h('tr', {}, h('td', {}, h('span', { class: 'swatch', style: `background:${statusColors[s] || '#999'}` }), t('status.' + s)), h('td', {}, num(by[s].n, 0)), h('td', {}, ha(by[s].m2))))),
    rows([[t('greenAreas'), ha(green)]]));
}
