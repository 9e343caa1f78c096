// The map: MapLibre over the server's vector tiles (style in mapstyle.js),
// its controls, the parcel filter, the GeoJSON overlays (selection, sites,
// drawing) and fitting a feature into view.
//
// The map container says whether the map is up to date, for assistive
// technology and anyone else reading the page: data-ready once the map
// has loaded, and aria-busy="true" from the moment the map moves or the
// page changes what it draws until MapLibre reports it idle (every tile
// loaded and drawn), then aria-busy="false".

import maplibregl from 'maplibre-gl';

import { base } from './api.js';
import { getLang } from './i18n.js';
import { buildStyle, relabel } from './mapstyle.js';
import { state } from './state.js';

const VIETNAM = [[102.1, 8.2], [109.5, 23.4]];

// createMap makes the map in #map, fitted to bounds ([[w, s], [e, n]],
// Vietnam when absent), over the base map of config if any.
export function createMap(config, bounds) {
  const container = document.getElementById('map');
  container.setAttribute('aria-busy', 'true');
  const map = new maplibregl.Map({
    container,
    style: buildStyle(base, config.basemap_url || '', getLang()),
    bounds: bounds || VIETNAM,
    fitBoundsOptions: { padding: 40 },
    hash: true,
    attributionControl: { compact: false },
    canvasContextAttributes: { preserveDrawingBuffer: true },
    doubleClickZoom: false,
  });
  state.map = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  for (const layer of ['parcels-fill', 'zones-fill', 'green-fill']) {
    map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = state.drawing ? 'crosshair' : 'pointer'));
    map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = state.drawing ? 'crosshair' : ''));
  }
  // The names follow the language button (its own handler, registered
  // first, has switched the language by then).
  document.getElementById('lang')?.addEventListener('click', () => {
    busy();
    relabel(map, getLang());
  });
  map.on('movestart', busy);
  map.on('idle', () => container.setAttribute('aria-busy', 'false'));
  map.once('load', () => {
    applyParcelFilter();
    container.dataset.ready = 'true';
  });
  return map;
}

// busy marks the map as updating; the next idle clears it. Whoever calls
// it makes the map draw again, so that idle comes.
export function busy() {
  state.map?.getContainer().setAttribute('aria-busy', 'true');
}

// applyParcelFilter shows the parcels of the ticked statuses and the
// chosen land use.
export function applyParcelFilter() {
  const f = ['all', ['in', ['get', 'status'], ['literal', [...state.statuses]]]];
  if (state.landUse) f.push(['==', ['get', 'land_use'], state.landUse]);
  busy();
  for (const id of ['parcels-fill', 'parcels-line']) state.map.setFilter(id, f);
  state.map.triggerRepaint();
}

// setSource replaces the features of a GeoJSON overlay. The selection's
// feature is also state.selected (null when none), and state.onSelect is
// told (the URL follows it).
export function setSource(id, data) {
  if (id === 'selection') {
    state.selected = data?.type === 'Feature' ? data : null;
    state.onSelect?.();
  }
  const src = state.map?.getSource(id);
  if (!src) return;
  busy();
  src.setData(data);
  state.map.triggerRepaint();
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

// fitFeature brings a GeoJSON feature into view, no closer than maxZoom.
export function fitFeature(f, maxZoom = 17) {
  const b = f.bbox ? [[f.bbox[0], f.bbox[1]], [f.bbox[2], f.bbox[3]]] : bboxOf(f.geometry);
  state.map.fitBounds(b, { padding: 60, maxZoom, duration: 0 });
}
