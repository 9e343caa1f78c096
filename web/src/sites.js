// Available land for investors: available parcels near the map's centre
// (GET /query/sites), nearest first, outlined on the map.

import { getJSON, query } from './api.js';
import { showParcel } from './details.js';
import { $, h } from './dom.js';
import { enums } from './enums.js';
import { ha } from './format.js';
import { getLang, num, t } from './i18n.js';
import { fitFeature, setSource } from './map.js';
import { statusColors } from './mapstyle.js';
import { state } from './state.js';

export function sitesPanel() {
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
      h('select', { id: 'sites-use' }, h('option', { value: '', dataset: { i18n: 'all' } }), enums.land_uses.map((u) => h('option', { value: u, dataset: { i18n: 'use.' + u } }))))),
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
