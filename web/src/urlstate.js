// The view in the URL, so that a link opens what its sender saw, in the
// same language: the map's position is the fragment (#zoom/lat/lon,
// MapLibre's hash), the rest the query string, which the server leaves
// to the page (/app/ never refuses a query string):
//
//   lang=en           the language (vi, the default, is written too)
//   zone=12 | parcel=7  the feature the details show
//   tab=dashboard     the open tab (search, the first, is left out)
//   status=available,reserved  the parcel statuses shown, when not all
//   use=logistics     the land use shown
//   q=tan thuan       the zone search
//
// Anything else a link carries (?fbclid=, ?utm_source=) is dropped from
// the address once the page has read it. The query rather than the
// fragment, because MapLibre's hash rewrites the whole fragment, and
// links and tests already name map positions as #zoom/lat/lon.

import { showParcel, showZone } from './details.js';
import { $ } from './dom.js';
import { enums } from './enums.js';
import { getLang, setLang } from './i18n.js';
import { runSearch } from './search.js';
import { state } from './state.js';
import { selectTab } from './tabs.js';

const keys = ['lang', 'zone', 'parcel', 'tab', 'status', 'use', 'q'];

let wanted = new URLSearchParams();
let following = false;

// readLanguage takes the language of the URL; call it first.
export function readLanguage() {
  wanted = new URLSearchParams(location.search);
  const lang = wanted.get('lang');
  if (lang === 'en' || lang === 'vi') setLang(lang);
}

// readFilters takes the parcel filter of the URL into state; call it
// once the server's lists are in (enums) and before the filter is built.
export function readFilters() {
  const statuses = wanted.get('status');
  if (statuses != null) {
    const s = statuses.split(',').filter((v) => enums.parcel_statuses.includes(v));
    state.statuses = new Set(s);
  }
  const use = wanted.get('use');
  if (use && enums.land_uses.includes(use)) state.landUse = use;
}

// openView opens the tab, the search and the feature of the URL once the
// map has loaded, then keeps the URL in step with the page.
export function openView(map) {
  const tab = wanted.get('tab');
  if (tab && document.getElementById('tab-' + tab)) selectTab(tab);
  const q = wanted.get('q');
  const input = $('#search-input');
  if (q && input) {
    input.value = q;
    runSearch(q);
  }
  const id = (k) => (/^[1-9][0-9]{0,15}$/.test(wanted.get(k) || '') ? Number(wanted.get(k)) : 0);
  const opened = () => {
    follow();
    write();
  };
  map.once('load', () => {
    // A link with a map position keeps it; one without brings the zone into view.
    const open = id('parcel') ? showParcel(id('parcel')) : id('zone') ? showZone(id('zone'), { fit: !/^#[0-9.]+\//.test(location.hash) }) : null;
    Promise.resolve(open).finally(opened);
  });
}

// follow rewrites the URL whenever the view changes.
function follow() {
  if (following) return;
  following = true;
  state.onSelect = write;
  new MutationObserver(write).observe($('#tabs'), { subtree: true, attributes: true, attributeFilter: ['aria-selected'] });
  // Handlers of the controls themselves run first (they are on the
  // targets); these see the state they left.
  $('#filters').addEventListener('change', write);
  document.addEventListener('input', (e) => e.target.id === 'search-input' && write());
  $('#lang').addEventListener('click', write);
}

// viewQuery is the query string of the page's view now.
export function viewQuery() {
  const p = new URLSearchParams();
  p.set('lang', getLang());
  const f = state.selected;
  if (f?.properties?.lot_code != null) p.set('parcel', String(f.id));
  else if (f?.properties?.name_vi != null) p.set('zone', String(f.id));
  const tab = document.querySelector('#tabs [aria-selected=true]')?.dataset.tab;
  if (tab && tab !== 'search') p.set('tab', tab);
  const all = enums.parcel_statuses || [];
  if (state.statuses.size !== all.length || !all.every((s) => state.statuses.has(s))) {
    p.set('status', all.filter((s) => state.statuses.has(s)).join(','));
  }
  if (state.landUse) p.set('use', state.landUse);
  const q = $('#search-input')?.value.trim();
  if (q) p.set('q', q);
  for (const k of [...p.keys()]) if (!keys.includes(k)) p.delete(k);
  return p.toString().replace(/%2C/g, ',');
}

function write() {
  const url = location.pathname + '?' + viewQuery() + location.hash;
  if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, '', url);
}
