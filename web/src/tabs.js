// The sidebar's tabs: one button and one panel each, one panel shown.

import { $, h } from './dom.js';

// buildTabs fills #tabs and #panels from [id, i18n key, panel element].
export function buildTabs(tabs) {
  $('#tabs').replaceChildren(...tabs.map(([id, key]) =>
    h('button', { role: 'tab', id: 'tab-' + id, dataset: { tab: id, i18n: key }, onclick: () => selectTab(id) })));
  $('#panels').replaceChildren(...tabs.map(([id, , panel]) => h('section', { id: 'panel-' + id, class: 'panel', hidden: true }, panel)));
}

export function selectTab(id) {
  for (const b of document.querySelectorAll('#tabs [role=tab]')) b.setAttribute('aria-selected', String(b.dataset.tab === id));
  for (const p of document.querySelectorAll('#panels .panel')) p.hidden = p.id !== 'panel-' + id;
}
