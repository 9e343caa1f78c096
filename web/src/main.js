// zonegis web map: zones, parcels and green areas from the server's vector
// tiles; click for details, filter parcels, search zones without accents,
// find available land, draw a polygon to see what it covers, per-zone
// figures and exports. Vietnamese and English.

import maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';

import { APIError, apiKey, base, getJSON, postJSON, query, setApiKey } from './api.js';
import { empty, buildStyle, kindColors, statusColors, greenColor } from './mapstyle.js';
import { getLang, num, pct, setLang, t, translatePage } from './i18n.js';

const STATUSES = ['available', 'reserved', 'leased'];
const LAND_USES = ['industrial', 'logistics', 'warehouse', 'commercial', 'utilities', 'administrative', 'residential_services', 'research'];
const VIETNAM = [[102.1, 8.2], [109.5, 23.4]];

// h makes an element: h('div', {class: 'x', onclick: fn}, child, 'text').
// Text goes in as text nodes, never as HTML. Styles go in through the
// CSSOM (el.style), which the page's Content-Security-Policy allows; a
// style attribute would be refused (style-src has no 'unsafe-inline').
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') el.style.cssText = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const $ = (sel) => document.querySelector(sel);

const state = {
  map: null,
  statuses: new Set(STATUSES),
  landUse: '',
  zone: null, // the zone feature the dashboard shows
  drawing: false,
  drawPoints: [],
  exportFormats: [], // from the OpenAPI document, if the server offers /collections/{c}/export
};

// Test hooks: the browser tests wait for ready and project positions.
window.zonegis = { state, ready: false };

function zoneName(p) {
  return getLang() === 'en' ? p.name_en || p.name_vi : p.name_vi || p.name_en;
}

function otherZoneName(p) {
  return getLang() === 'en' ? p.name_vi : p.name_en;
}

function ha(m2) {
  return num(m2 / 10000, 2) + ' ha';
}

// hectares formats an area given in hectares (the unit of /stats).
function hectares(v) {
  return num(v, 2) + ' ha';
}

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

// ---- map ----

async function init() {
  document.documentElement.lang = getLang();
  buildChrome();
  translatePage();
  let config = {};
  try {
    config = await getJSON('/app/config.json');
  } catch {
    config = {};
  }
  let bounds = VIETNAM;
  try {
    const tj = await getJSON('/tiles/all.json');
    if (tj.bounds) bounds = [[tj.bounds[0], tj.bounds[1]], [tj.bounds[2], tj.bounds[3]]];
  } catch {
    /* keep Vietnam */
  }
  const map = new maplibregl.Map({
    container: 'map',
    style: buildStyle(base + '/tiles/all/{z}/{x}/{y}.mvt', config.basemap_url || ''),
    bounds,
    fitBoundsOptions: { padding: 40 },
    hash: true,
    attributionControl: { compact: false },
    canvasContextAttributes: { preserveDrawingBuffer: true },
    doubleClickZoom: false,
  });
  state.map = map;
  window.zonegis.map = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  map.on('click', onMapClick);
  map.on('dblclick', (e) => {
    if (state.drawing) {
      e.preventDefault();
      finishDrawing();
    }
  });
  for (const layer of ['parcels-fill', 'zones-fill', 'green-fill']) {
    map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = state.drawing ? 'crosshair' : 'pointer'));
    map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = state.drawing ? 'crosshair' : ''));
  }
  map.once('load', () => {
    applyParcelFilter();
    window.zonegis.ready = true;
    document.body.dataset.mapReady = '1';
  });
  loadExportFormats();
}

function applyParcelFilter() {
  const f = ['all', ['in', ['get', 'status'], ['literal', [...state.statuses]]]];
  if (state.landUse) f.push(['==', ['get', 'land_use'], state.landUse]);
  for (const id of ['parcels-fill', 'parcels-line']) state.map.setFilter(id, f);
}

function setSource(id, data) {
  state.map?.getSource(id)?.setData(data);
}

function bboxOf(geometry) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      minX = Math.min(minX, c[0]); minY = Math.min(minY, c[1]);
      maxX = Math.max(maxX, c[0]); maxY = Math.max(maxY, c[1]);
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return [[minX, minY], [maxX, maxY]];
}

function fitFeature(f, maxZoom = 17) {
  const b = f.bbox ? [[f.bbox[0], f.bbox[1]], [f.bbox[2], f.bbox[3]]] : bboxOf(f.geometry);
  state.map.fitBounds(b, { padding: 60, maxZoom, duration: 0 });
}

async function onMapClick(e) {
  if (state.drawing) {
    state.drawPoints.push([e.lngLat.lng, e.lngLat.lat]);
    renderDraft();
    return;
  }
  const hits = state.map.queryRenderedFeatures(e.point, { layers: ['parcels-fill', 'green-fill', 'zones-fill'] });
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

// ---- details panel ----

function openDetails(title, ...body) {
  const panel = $('#details');
  panel.replaceChildren(
    h('div', { class: 'details-head' },
      h('h2', {}, title),
      h('button', { class: 'close', title: t('close'), 'aria-label': t('close'), onclick: closeDetails }, '×')),
    ...body,
  );
  panel.hidden = false;
}

function closeDetails() {
  $('#details').hidden = true;
  setSource('selection', empty());
}

function rows(pairs) {
  return h('table', { class: 'props' },
    pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))));
}

function showError(err) {
  openDetails(t('error'), h('p', { class: 'error' }, err instanceof APIError && err.status === 401 ? t('badKey') : String(err.message || err)));
}

async function showParcel(id) {
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
      h('h3', {}, t('leases')),
      leasesBox);
    document.body.dataset.selectedParcel = p.lot_code;
    try {
      const doc = await getJSON(`/parcels/${id}/leases`, { withKey: true });
      leasesBox.replaceChildren(...leaseViews(doc.leases));
    } catch (err) {
      leasesBox.replaceChildren(h('p', { class: 'error' }, err instanceof APIError && err.status === 401 ? t('badKey') : String(err.message)));
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
        [t('country'), l.country],
        [t('sector'), l.sector],
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

async function showZone(id, { fit = false } = {}) {
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
        [t('province'), p.province],
        [t('board'), p.board_id ? h('span', { class: 'board-name', dataset: { board: p.board_id } }, boardName(p.board_id, byID)) : null],
        [t('area'), ha(p.area_m2)],
        [t('established'), p.established],
        [t('enterprises'), p.enterprises == null ? null : num(p.enterprises, 0)],
        [t('workers'), p.workers == null ? null : num(p.workers, 0)],
      ]),
      h('button', { class: 'primary', onclick: () => { selectTab('dashboard'); } }, t('openDashboard')));
    state.zone = f;
    renderDashboard();
  } catch (err) {
    showError(err);
  }
}

// ---- sidebar ----

function buildChrome() {
  const tabs = [
    ['search', 'tabSearch', searchPanel()],
    ['sites', 'tabSites', sitesPanel()],
    ['draw', 'tabDraw', drawPanel()],
    ['dashboard', 'tabDashboard', h('div', { id: 'dashboard' })],
  ];
  $('#tabs').replaceChildren(...tabs.map(([id, key]) =>
    h('button', { role: 'tab', id: 'tab-' + id, dataset: { tab: id, i18n: key }, onclick: () => selectTab(id) })));
  $('#panels').replaceChildren(...tabs.map(([id, , panel]) => h('section', { id: 'panel-' + id, class: 'panel', hidden: true }, panel)));
  $('#filters').replaceChildren(filtersPanel());
  $('#legend').replaceChildren(legend());
  $('#lang').addEventListener('click', () => {
    setLang(getLang() === 'vi' ? 'en' : 'vi');
    rebuildLocalized();
  });
  keyControls();
  selectTab('search');
  renderDashboard();
}

// Parts built from data re-render when the language changes.
function rebuildLocalized() {
  $('#filters').replaceChildren(filtersPanel());
  $('#legend').replaceChildren(legend());
  renderDashboard();
  renderKeyState();
  const q = $('#search-input').value;
  if (q) runSearch(q);
}

function selectTab(id) {
  for (const b of document.querySelectorAll('#tabs [role=tab]')) b.setAttribute('aria-selected', String(b.dataset.tab === id));
  for (const p of document.querySelectorAll('#panels .panel')) p.hidden = p.id !== 'panel-' + id;
}

function keyControls() {
  const input = $('#key-input');
  input.value = apiKey();
  $('#key-save').addEventListener('click', () => {
    setApiKey(input.value.trim());
    renderKeyState();
  });
  $('#key-clear').addEventListener('click', () => {
    input.value = '';
    setApiKey('');
    renderKeyState();
  });
  renderKeyState();
}

function renderKeyState() {
  $('#role').textContent = apiKey() ? t('roleSet') : t('rolePublic');
}

function filtersPanel() {
  const boxes = STATUSES.map((s) =>
    h('label', { class: 'check' },
      h('input', {
        type: 'checkbox', name: 'status', value: s, checked: state.statuses.has(s),
        onchange: (e) => {
          if (e.target.checked) state.statuses.add(s);
          else state.statuses.delete(s);
          applyParcelFilter();
        },
      }),
      h('span', { class: 'swatch', style: `background:${statusColors[s]}` }),
      t('status.' + s)));
  const select = h('select', {
    id: 'landuse-filter',
    onchange: (e) => {
      state.landUse = e.target.value;
      if (state.map) applyParcelFilter();
    },
  }, h('option', { value: '' }, t('all')), LAND_USES.map((u) => h('option', { value: u, selected: state.landUse === u }, t('use.' + u))));
  return h('div', {},
    h('h3', {}, t('filters')),
    h('div', { class: 'statuses' }, boxes),
    h('label', {}, t('landUse'), ' ', select));
}

function legend() {
  return h('div', {},
    h('h3', {}, t('legend')),
    h('div', { class: 'legend-group' }, h('strong', {}, t('zones')),
      Object.entries(kindColors).map(([k, c]) => h('div', {}, h('span', { class: 'swatch outline', style: `border-color:${c};background:${c}33` }), t('kind.' + k)))),
    h('div', { class: 'legend-group' }, h('strong', {}, t('parcels')),
      Object.entries(statusColors).map(([k, c]) => h('div', {}, h('span', { class: 'swatch', style: `background:${c}` }), t('status.' + k)))),
    h('div', { class: 'legend-group' }, h('div', {}, h('span', { class: 'swatch', style: `background:${greenColor}8c` }), t('greenAreas'))));
}

// ---- zone search ----

let searchTimer = 0;
let searchAbort = null;

function searchPanel() {
  return h('div', {},
    h('input', {
      id: 'search-input', type: 'search', autocomplete: 'off', dataset: { i18nPlaceholder: 'searchPlaceholder' },
      oninput: (e) => {
        clearTimeout(searchTimer);
        searchTimer = setTimeout(() => runSearch(e.target.value), 200);
      },
      onkeydown: (e) => {
        if (e.key === 'Enter') {
          clearTimeout(searchTimer);
          runSearch(e.target.value);
        }
      },
    }),
    h('p', { class: 'note', dataset: { i18n: 'searchHint' } }),
    h('ul', { id: 'search-results', class: 'results' }));
}

async function runSearch(text) {
  const list = $('#search-results');
  text = text.trim();
  searchAbort?.abort();
  if (!text) {
    list.replaceChildren();
    return;
  }
  searchAbort = new AbortController();
  try {
    const fc = await getJSON('/collections/zones/items' + query({ q: text, limit: 20 }), { signal: searchAbort.signal });
    if (!fc.features.length) {
      list.replaceChildren(h('li', { class: 'empty' }, t('searchNone')));
      return;
    }
    list.replaceChildren(...fc.features.map((f) =>
      h('li', {},
        h('button', { class: 'result', onclick: () => showZone(f.id, { fit: true }) },
          h('span', { class: 'swatch outline', style: `border-color:${kindColors[f.properties.kind] || '#888'}` }),
          h('span', { class: 'result-name' }, zoneName(f.properties)),
          h('span', { class: 'result-sub' }, `${otherZoneName(f.properties)} · ${f.properties.code} · ${ha(f.properties.area_m2)}`)))));
  } catch (err) {
    if (err.name !== 'AbortError') list.replaceChildren(h('li', { class: 'error' }, err.message));
  }
}

// ---- available land (investors) ----

function sitesPanel() {
  const field = (id, key, attrs) => h('label', {}, h('span', { dataset: { i18n: key } }), h('input', { id, type: 'number', min: 0, step: 'any', ...attrs }));
  return h('form', {
    id: 'sites-form',
    onsubmit: (e) => {
      e.preventDefault();
      runSites();
    },
  },
  h('p', { class: 'note', dataset: { i18n: 'sitesHint' } }),
  h('div', { class: 'grid2' },
    field('sites-min', 'minArea', { placeholder: '0' }),
    field('sites-max', 'maxArea', {}),
    field('sites-radius', 'radius', { value: 30 }),
    h('label', {}, h('span', { dataset: { i18n: 'landUse' } }),
      h('select', { id: 'sites-use' }, h('option', { value: '', dataset: { i18n: 'all' } }), LAND_USES.map((u) => h('option', { value: u, dataset: { i18n: 'use.' + u } }))))),
  h('button', { type: 'submit', class: 'primary', dataset: { i18n: 'sitesFind' } }),
  h('ul', { id: 'sites-results', class: 'results' }));
}

async function runSites() {
  const c = state.map.getCenter();
  const list = $('#sites-results');
  list.replaceChildren(h('li', {}, t('loading')));
  try {
    const fc = await getJSON('/query/sites' + query({
      lon: c.lng.toFixed(6), lat: c.lat.toFixed(6),
      radius_m: Math.min(200000, Math.max(1, Number($('#sites-radius').value || 30) * 1000)),
      min_area_ha: $('#sites-min').value, max_area_ha: $('#sites-max').value,
      land_use: $('#sites-use').value, limit: 100,
    }));
    setSource('sites', fc);
    if (!fc.features.length) {
      list.replaceChildren(h('li', { class: 'empty' }, t('sitesNone')));
      return;
    }
    list.replaceChildren(...fc.features.map((f) => {
      const p = f.properties;
      return h('li', {},
        h('button', { class: 'result', onclick: () => { fitFeature(f, 17); showParcel(f.id); } },
          h('span', { class: 'swatch', style: `background:${statusColors.available}` }),
          h('span', { class: 'result-name' }, `${p.lot_code} · ${ha(p.area_m2)}`),
          h('span', { class: 'result-sub' }, `${getLang() === 'en' ? p.zone_name_en : p.zone_name_vi} · ${t('use.' + p.land_use)} · ${num(p.distance_m / 1000, 1)} km`)));
    }));
  } catch (err) {
    list.replaceChildren(h('li', { class: 'error' }, err.message));
  }
}

// ---- draw a polygon ----

function drawPanel() {
  return h('div', {},
    h('p', { class: 'note', dataset: { i18n: 'drawHint' } }),
    h('div', { class: 'buttons' },
      h('button', { id: 'draw-start', class: 'primary', dataset: { i18n: 'drawStart' }, onclick: startDrawing }),
      h('button', { id: 'draw-finish', dataset: { i18n: 'drawFinish' }, onclick: finishDrawing }),
      h('button', { id: 'draw-clear', dataset: { i18n: 'drawClear' }, onclick: clearDrawing })),
    h('div', { id: 'draw-result' }));
}

function startDrawing() {
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

function renderDraft() {
  const pts = state.drawPoints;
  const features = pts.map((p) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: p }, properties: {} }));
  if (pts.length >= 3) features.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[...pts, pts[0]]] }, properties: {} });
  else if (pts.length === 2) features.push({ type: 'Feature', geometry: { type: 'LineString', coordinates: pts }, properties: {} });
  setSource('draw', { type: 'FeatureCollection', features });
}

async function finishDrawing() {
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
  for (const s of STATUSES) by[s] = { n: 0, m2: 0 };
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
      STATUSES.map((s) => h('tr', {}, h('td', {}, h('span', { class: 'swatch', style: `background:${statusColors[s]}` }), t('status.' + s)), h('td', {}, num(by[s].n, 0)), h('td', {}, ha(by[s].m2))))),
    rows([[t('greenAreas'), ha(green)]]));
}

// ---- per-zone dashboard ----

// The figures are the server's (GET /stats/zones/{id}), so the map says
// what the boards' reports say: leasable, leased, reserved and available
// hectares; occupancy; green area unioned and clipped to the zone against
// the minimum share; enterprises, workers and capital. Areas in hectares,
// shares in percent from 0 to 100. Capital is exact for a planner's key
// (sent, as for the lease history), else as the server discloses it:
// rounded, with the unit, or withheld with the reason.

let dashboardFor = null;

async function renderDashboard() {
  const box = $('#dashboard');
  if (!box) return;
  const z = state.zone;
  if (!z) {
    box.replaceChildren(h('p', { class: 'note' }, t('dashboardHint')));
    return;
  }
  dashboardFor = z.id;
  box.replaceChildren(h('h3', {}, zoneName(z.properties)), h('p', {}, t('loading')));
  try {
    const doc = await getJSON(`/stats/zones/${z.id}`, { withKey: true });
    if (dashboardFor !== z.id) return;
    const s = doc.zone;
    const byHa = { leased: s.leased_ha, reserved: s.reserved_ha, available: s.available_ha };
    const committed = s.leasable_ha > 0 ? ((s.leased_ha + s.reserved_ha) / s.leasable_ha) * 100 : NaN;
    box.replaceChildren(
      h('h3', {}, zoneName(z.properties)),
      h('p', { class: 'alt-name' }, `${s.code} · ${hectares(s.area_ha)}`),
      h('p', { class: 'note', id: 'stats-as-of' }, `${t('asOf')} ${doc.as_of}`),
      h('h4', {}, t('land')),
      gauge('occupancy', t('occupancy'), s.occupancy_pct, statusColors.leased, t('occupancyNote')),
      gauge('committed', t('committed'), committed, statusColors.reserved, ''),
      stackedBar(byHa, s.leasable_ha),
      h('table', { class: 'figures', id: 'land-table' },
        h('tr', {}, h('th', {}, t('status')), h('th', { class: 'num' }, t('area')), h('th', { class: 'num' }, t('share'))),
        STATUSES.map((st) => h('tr', { dataset: { status: st } },
          h('td', {}, h('span', { class: 'swatch', style: `background:${statusColors[st]}` }), t('status.' + st)),
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

// sourced is a figure with where it comes from: the zone's published
// figure or one derived from the leases in force.
// capitalText is a capital figure as the server disclosed it
// (capital_disclosure): exact, "≈ rounded (to the nearest unit)", or why
// it is withheld.
function capitalText(s) {
  const text = (v) => h('span', { id: 'fig-capital', dataset: { disclosure: s.capital_disclosure } }, v);
  if (s.capital_usd == null) return text(s.capital_disclosure && s.capital_disclosure.startsWith('withheld: fewer') ? t('capitalFewLessees') : t('capitalWithheld'));
  if (s.capital_disclosure === 'rounded') return text(`≈ ${num(s.capital_usd, 0)} (${t('capitalRounded')} ${num(s.capital_rounding_usd, 0)})`);
  return text(num(s.capital_usd, 0));
}

function sourced(id, text, source) {
  return h('span', { id: 'fig-' + id }, text, ' ', h('span', { class: 'source source-' + source }, `(${t('source.' + source)})`));
}

function stackedBar(byHa, totalHa) {
  return h('div', { class: 'stacked' }, STATUSES.map((st) =>
    h('div', { title: `${t('status.' + st)}: ${hectares(byHa[st])}`, style: `width:${totalHa > 0 ? (byHa[st] / totalHa) * 100 : 0}%;background:${statusColors[st]}` })));
}

// Exports: GeoJSON from the items endpoint always; other formats when the
// server documents /collections/{collectionId}/export with a format enum.
async function loadExportFormats() {
  try {
    const doc = await getJSON('/api');
    const op = doc.paths?.['/collections/{collectionId}/export']?.get;
    if (!op) return;
    const resolve = (p) => (p.$ref ? doc.components?.parameters?.[p.$ref.split('/').pop()] : p);
    const params = (op.parameters || []).map(resolve).filter(Boolean);
    const fmt = params.find((p) => p.in === 'query' && ['f', 'format'].includes(p.name) && p.schema?.enum);
    const zone = params.find((p) => p.in === 'query' && p.name === 'zone');
    if (fmt) state.exportFormats = fmt.schema.enum.map((v) => ({ param: fmt.name, value: v, zone: !!zone }));
    renderDashboard();
  } catch {
    /* GeoJSON only */
  }
}

function exportButtons(z) {
  const links = [
    h('a', { class: 'button', id: 'stats-csv', href: base + `/stats/zones/${z.id}` + query({ f: 'csv' }), download: `zone-stats-${z.properties.code}.csv` }, t('statsCsv')),
  ];
  for (const [c, key] of [['parcels', 'parcels'], ['green-areas', 'greenAreas']]) {
    links.push(h('a', { class: 'button', href: base + `/collections/${c}/items` + query({ zone: z.id, limit: 10000, f: 'json' }), download: `${z.properties.code}-${c}.geojson` }, `${t(key)} · GeoJSON`));
    for (const f of state.exportFormats) {
      if (f.value === 'json' || f.value === 'geojson') continue;
      const q = { [f.param]: f.value };
      if (f.zone) q.zone = z.id;
      links.push(h('a', { class: 'button', href: base + `/collections/${c}/export` + query(q) }, `${t(key)} · ${f.value.toUpperCase()}`));
    }
  }
  return h('div', { class: 'exports' }, h('h3', {}, t('export')), h('div', { class: 'buttons' }, links));
}

init().catch((err) => {
  console.error(err);
  document.body.dataset.mapError = String(err);
});
