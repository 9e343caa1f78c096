// The parcel filter (statuses ticked, one land use) and the legend, both
// built from the server's lists (enums.js) in the page's language.

import { h } from './dom.js';
import { enums } from './enums.js';
import { t } from './i18n.js';
import { applyParcelFilter } from './map.js';
import { greenColor, kindColors, statusColors } from './mapstyle.js';
import { state } from './state.js';

export function filtersPanel() {
  const boxes = enums.parcel_statuses.map((s) =>
    h('label', { class: 'check' },
      h('input', {
        type: 'checkbox', name: 'status', value: s, checked: state.statuses.has(s),
        onchange: (e) => {
          if (e.target.checked) state.statuses.add(s);
          else state.statuses.delete(s);
          applyParcelFilter();
        },
      }),
      h('span', { class: 'swatch', style: `background:${statusColors[s] || '#999'}` }),
      t('status.' + s)));
  const select = h('select', {
    id: 'landuse-filter',
    onchange: (e) => {
      state.landUse = e.target.value;
      if (state.map) applyParcelFilter();
    },
  }, h('option', { value: '' }, t('all')), enums.land_uses.map((u) => h('option', { value: u, selected: state.landUse === u }, t('use.' + u))));
  return h('div', {},
    h('h3', {}, t('filters')),
    h('div', { class: 'statuses' }, boxes),
    h('label', {}, t('landUse'), ' ', select));
}

export function legend() {
  return h('div', {},
    h('h3', {}, t('legend')),
    h('div', { class: 'legend-group' }, h('strong', {}, t('zones')),
      enums.zone_kinds.map((k) => {
        const c = kindColors[k] || '#888';
        return h('div', {}, h('span', { class: 'swatch outline', style: `border-color:${c};background:${c}33` }), t('kind.' + k));
      })),
    h('div', { class: 'legend-group' }, h('strong', {}, t('parcels')),
      enums.parcel_statuses.map((s) => h('div', {}, h('span', { class: 'swatch', style: `background:${statusColors[s] || '#999'}` }), t('status.' + s)))),
    h('div', { class: 'legend-group' }, h('div', {}, h('span', { class: 'swatch', style: `background:${greenColor}8c` }), t('greenAreas'))));
}
