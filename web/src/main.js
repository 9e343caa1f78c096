// zonegis web map: zones, parcels and green areas from the server's vector
// tiles; click for details, filter parcels, search zones without accents,
// find available land, draw a polygon to see what it covers, per-zone
// figures and exports. Vietnamese and English.
//
// This module only wires the others together: map.js (the map and its
// overlays), details.js (the details panel), search.js, sites.js
// (available land), draw.js, dashboard.js, filters.js (parcel filter and
// legend), account.js (sign-in, sign-out, a script's key), tabs.js, urlstate.js (the view in the URL); dom.js and format.js are their helpers,
// api.js the fetch layer, i18n.js the strings, enums.js the server's
// lists of values, state.js what they share.

import 'maplibre-gl/dist/maplibre-gl.css';
import './style.css';

import { getJSON } from './api.js';
import { accountControls, renderAccount } from './account.js';
import { renderDashboard } from './dashboard.js';
import { showFeatureAt } from './details.js';
import { $, h } from './dom.js';
import { addVertex, drawPanel, finishDrawing } from './draw.js';
import { enums, loadEnums } from './enums.js';
import { filtersPanel, legend } from './filters.js';
import { getLang, setLang, translatePage } from './i18n.js';
import { createMap } from './map.js';
import { runSearch, searchPanel } from './search.js';
import { keyboard } from './keys.js';
import { pickSite, relocalizeSites, sitesPanel } from './sites.js';
import { state } from './state.js';
import { buildTabs, selectTab } from './tabs.js';
import { openView, readFilters, readLanguage } from './urlstate.js';

async function init() {
  readLanguage(); // a link's view (urlstate.js): language, filter, tab, search, feature
  document.documentElement.lang = getLang();
  const [config, tilejson] = await Promise.all([
    getJSON('/app/config.json').catch(() => ({})),
    getJSON('/tiles/all.json').catch(() => ({})),
    loadEnums(),
  ]);
  state.statuses = new Set(enums.parcel_statuses);
  readFilters();
  buildChrome();
  translatePage();
  const b = tilejson?.bounds;
  const map = createMap(config || {}, b ? [[b[0], b[1]], [b[2], b[3]]] : null);
  map.on('click', (e) => {
    if (state.editing) return; // edit.js has the map's clicks
    if (pickSite(e.lngLat)) return;
    if (state.drawing) addVertex(e.lngLat);
    else showFeatureAt(e.point);
  });
  map.on('dblclick', (e) => {
    if (state.drawing && !state.editing) {
      e.preventDefault();
      finishDrawing();
    }
  });
  openView(map);
}

function buildChrome() {
  buildTabs([
    ['search', 'tabSearch', searchPanel()],
    ['sites', 'tabSites', sitesPanel()],
    ['draw', 'tabDraw', drawPanel()],
    ['dashboard', 'tabDashboard', h('div', { id: 'dashboard' })],
  ]);
  $('#filters').replaceChildren(filtersPanel());
  $('#legend').replaceChildren(legend());
  $('#lang').addEventListener('click', () => {
    setLang(getLang() === 'vi' ? 'en' : 'vi');
    rebuildLocalized();
  });
  accountControls();
  keyboard();
  $('#side-toggle').addEventListener('click', toggleSide);
  if (matchMedia('(max-width: 760px)').matches) toggleSide();
  selectTab('search');
  renderDashboard();
}

// toggleSide folds the sidebar away (the map takes its room) or back.
function toggleSide() {
  const folded = document.body.classList.toggle('side-folded');
  $('#side-toggle').setAttribute('aria-expanded', String(!folded));
  state.map?.resize();
}

// Parts built from data re-render when the language changes.
function rebuildLocalized() {
  $('#filters').replaceChildren(filtersPanel());
  $('#legend').replaceChildren(legend());
  renderDashboard();
  renderAccount();
  relocalizeSites();
  const q = $('#search-input').value;
  if (q) runSearch(q);
}

init().catch((err) => {
  console.error(err);
  document.body.dataset.mapError = String(err);
});
