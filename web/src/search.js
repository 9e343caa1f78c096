// Zone search: names without accents find names with them (the server
// folds both); picking a result opens the zone and brings it into view.

import { errorText, getJSON, query } from './api.js';
import { showZone } from './details.js';
import { $, h } from './dom.js';
import { ha, otherZoneName, zoneName } from './format.js';
import { t } from './i18n.js';
import { kindColors } from './mapstyle.js';

let searchTimer = 0;
let searchAbort = null;

export function searchPanel() {
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

export async function runSearch(text) {
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
        h('button', { type: 'button', class: 'result', onclick: () => showZone(f.id, { fit: true }) },
          h('span', { class: 'swatch outline', style: `border-color:${kindColors[f.properties.kind] || '#888'}` }),
          h('span', { class: 'result-name' }, zoneName(f.properties)),
          h('span', { class: 'result-sub' }, `${otherZoneName(f.properties)} · ${f.properties.code} · ${ha(f.properties.area_m2)}`)))));
  } catch (err) {
    if (err.name !== 'AbortError') list.replaceChildren(h('li', { class: 'error' }, errorText(err)));
  }
}
