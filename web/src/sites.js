// Available land for investors (GET /query/sites): parcels around a point
// (the map's centre, or a point clicked on the map after "Pick on map"),
// with the search radius drawn, and/or in a province or region; nearest
// first around a point, largest first otherwise. The result list is
// buttons that open a parcel without searching again (type="button"), and
// says "showing N of M" when the answer is cut.

import { errorText, getJSON, query } from './api.js';
import { showParcel } from './details.js';
import { $, h } from './dom.js';
import { enums } from './enums.js';
import { ha } from './format.js';
import { getLang, num, t } from './i18n.js';
import { fitFeature, setSource } from './map.js';
import { statusColors } from './mapstyle.js';
import { placeName, provinceName } from './places.js';
import { state } from './state.js';

const LIMIT = 50;
let picked = null; // the point picked on the map, {lng, lat}; null: the centre
let last = null; // the last answer, redrawn when the language changes

export function sitesPanel() {
  const field = (id, key, attrs) => h('label', {}, h('span', { dataset: { i18n: key } }), h('input', { id, type: 'number', min: 0, step: 'any', ...attrs }));
  const placeSelect = (id, key, list) => h('label', {}, h('span', { dataset: { i18n: key } }),
    h('select', { id, onchange: () => drawRadius() }, h('option', { value: '', dataset: { i18n: 'anywhere' } }),
      list.map((p) => h('option', { value: p.code, dataset: { place: p.code } }, placeName(p)))));
  return h('form', {
    id: 'sites-form',
    onsubmit: (e) => {
      e.preventDefault();
      runSites();
    },
  },
  h('p', { class: 'note', dataset: { i18n: 'sitesHint' } }),
  h('div', { class: 'grid2' },
    placeSelect('sites-province', 'province', enums.provinces),
    placeSelect('sites-region', 'region', enums.regions),
    field('sites-min', 'minArea', { placeholder: '0' }),
    field('sites-max', 'maxArea', {}),
    field('sites-radius', 'radius', { value: 30, oninput: () => drawRadius() }),
    h('label', {}, h('span', { dataset: { i18n: 'landUse' } }),
      h('select', { id: 'sites-use' }, h('option', { value: '', dataset: { i18n: 'all' } }), enums.land_uses.map((u) => h('option', { value: u, dataset: { i18n: 'use.' + u } }))))),
  h('label', { class: 'check' }, h('input', { id: 'sites-near', type: 'checkbox', checked: true, onchange: () => drawRadius() }), h('span', { dataset: { i18n: 'sitesNear' } })),
  h('div', { class: 'buttons' },
    h('button', { type: 'submit', class: 'primary', dataset: { i18n: 'sitesFind' } }),
    h('button', { type: 'button', id: 'sites-pick', dataset: { i18n: 'sitesPick' }, onclick: () => { state.pickingSite = true; document.body.classList.add('picking'); } })),
  h('p', { id: 'sites-count', class: 'note', role: 'status' }),
  h('ul', { id: 'sites-results', class: 'results', role: 'listbox', 'aria-label': t('tabSites') }));
}

// pickSite takes the point clicked while picking; main.js's click handler
// asks first. It reports whether it took the click.
export function pickSite(lngLat) {
  if (!state.pickingSite) return false;
  state.pickingSite = false;
  document.body.classList.remove('picking');
  picked = { lng: lngLat.lng, lat: lngLat.lat };
  $('#sites-near').checked = true;
  drawRadius();
  return true;
}

function centre() {
  return picked || state.map.getCenter();
}

function near() {
  const province = $('#sites-province').value, region = $('#sites-region').value;
  return $('#sites-near').checked || (!province && !region);
}

// drawRadius outlines the circle searched (a 64-gon of radius_m on the
// sphere) around the point, or nothing when the search is by place only.
function drawRadius() {
  const map = state.map;
  if (!map) return;
  // isStyleLoaded is false while any source still loads tiles (the
  // provinces' and wards' too): draw once the map is idle then.
  if (!map.isStyleLoaded()) {
    map.once('idle', drawRadius);
    return;
  }
  if (!map.getSource('sites-radius')) {
    map.addSource('sites-radius', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    map.addLayer({ id: 'sites-radius-line', type: 'line', source: 'sites-radius', paint: { 'line-color': '#db2777', 'line-width': 2.5, 'line-dasharray': [2, 2] } });
  }
  const fc = { type: 'FeatureCollection', features: [] };
  if (near()) {
    const c = centre(), r = radiusM(), ring = [];
    for (let i = 0; i <= 64; i++) {
      const a = (i / 64) * 2 * Math.PI;
      const dLat = (r * Math.cos(a)) / 111320, dLng = (r * Math.sin(a)) / (111320 * Math.cos((c.lat * Math.PI) / 180));
      ring.push([c.lng + dLng, c.lat + dLat]);
    }
    fc.features.push({ type: 'Feature', properties: { radius_m: r }, geometry: { type: 'LineString', coordinates: ring } },
      { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [c.lng, c.lat] } });
  }
  map.getSource('sites-radius').setData(fc);
  document.body.dataset.sitesRadius = near() ? String(radiusM()) : '';
}

function radiusM() {
  return Math.min(200000, Math.max(1, Number($('#sites-radius').value || 30) * 1000));
}

async function runSites() {
  const list = $('#sites-results');
  list.setAttribute('aria-busy', 'true');
  list.replaceChildren(h('li', { class: 'empty' }, t('loading')));
  $('#sites-count').textContent = '';
  const params = {
    province: $('#sites-province').value, region: $('#sites-region').value,
    min_area_ha: $('#sites-min').value, max_area_ha: $('#sites-max').value,
    land_use: $('#sites-use').value, limit: LIMIT,
  };
  if (near()) {
    const c = centre();
    Object.assign(params, { lon: c.lng.toFixed(6), lat: c.lat.toFixed(6), radius_m: radiusM() });
  }
  drawRadius();
  try {
    last = await getJSON('/query/sites' + query(params));
    last.near = near();
    setSource('sites', last);
    renderSites();
  } catch (err) {
    last = null;
    list.replaceChildren(h('li', { class: 'error' }, errorText(err)));
  } finally {
    list.removeAttribute('aria-busy');
  }
}

// renderSites lists the last answer in the page's language.
export function renderSites() {
  const list = $('#sites-results');
  if (!last || !list) return;
  const fc = last;
  const matched = fc.numberMatched ?? fc.features.length;
  $('#sites-count').textContent = matched > fc.features.length
    ? t('sitesShowing').replace('{n}', num(fc.features.length, 0)).replace('{m}', num(matched, 0)) : '';
  document.body.dataset.sitesMatched = String(matched);
  if (!fc.features.length) {
    const national = fc.near && state.map.getZoom() < 9 && !$('#sites-province').value && !$('#sites-region').value;
    list.replaceChildren(h('li', { class: 'empty' }, t('sitesNone')),
      national ? h('li', { class: 'empty hint', id: 'sites-national-hint' }, t('sitesNationalHint')) : null);
    return;
  }
  list.replaceChildren(...fc.features.map((f) => {
    const p = f.properties;
    const where = [getLang() === 'en' ? p.zone_name_en : p.zone_name_vi, provinceName(p.province), t('use.' + p.land_use)];
    if (p.distance_m != null) where.push(`${num(p.distance_m / 1000, 1)} km`);
    return h('li', { role: 'none' },
      h('button', { type: 'button', class: 'result', role: 'option', dataset: { id: f.id }, onclick: () => { fitFeature(f, 17); showParcel(f.id); } },
        h('span', { class: 'swatch', style: `background:${statusColors.available}` }),
        h('span', { class: 'result-name' }, `${p.lot_code} · ${ha(p.area_m2)}`),
        h('span', { class: 'result-sub' }, where.join(' · '))));
  }));
}

// relocalizeSites names the places of the selects and the results again
// in the page's language.
export function relocalizeSites() {
  for (const o of document.querySelectorAll('#sites-form option[data-place]')) {
    const p = [...enums.provinces, ...enums.regions].find((x) => x.code === o.dataset.place);
    if (p) o.textContent = placeName(p);
  }
  renderSites();
}
