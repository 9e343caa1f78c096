// The geometry editor on the map: draw a parcel's boundary (click the
// vertices; click the first one, double-click or "finish" to close it) or
// a line to split along, then edit it: drag a vertex, click a small
// mid-edge handle to add one, right-click (or Alt-click) a vertex to
// remove it. While
// drawing or dragging, the pointer snaps to the vertices and edges of the
// zone boundaries and parcels in view (snap.js), within a few pixels; the
// snapped spot shows as a ring, and body[data-snapped] says what it took.
//
// Or pick parcels (merge): clicks toggle the parcel under the pointer.
//
// While the editor runs, state.editing is true and the page's own click
// handler (details) stands aside. Only one edit runs at a time.

import { getJSON, query } from './api.js';
import { state } from './state.js';
import { inGeometry, ringsOf, snap } from './snap.js';

const VERTEX_PX = 10; // how near a vertex a press grabs it
const SNAP_PX = 8; // how near a vertex or an edge the pointer snaps
const TARGET_MIN_ZOOM = 14; // below it, no snap targets are loaded (too many parcels in view)

let cur = null; // the edit running: {mode, pts, closed, exclude, onChange, picked}
let targets = { rings: [], zones: [] }; // snap targets in view
let installed = false;
let dragging = -1;
let suppressClick = false;
let hover = null;
let loadSeq = 0;

function emptyFC() {
  return { type: 'FeatureCollection', features: [] };
}

// install adds the editor's source and layers and its map handlers, once.
function install(map) {
  if (installed) return;
  installed = true;
  map.addSource('edit', { type: 'geojson', data: emptyFC() });
  map.addLayer({ id: 'edit-fill', type: 'fill', source: 'edit', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': '#7c3aed', 'fill-opacity': 0.2 } });
  map.addLayer({ id: 'edit-line', type: 'line', source: 'edit', filter: ['!=', ['geometry-type'], 'Point'], paint: { 'line-color': '#7c3aed', 'line-width': 2 } });
  map.addLayer({
    id: 'edit-points', type: 'circle', source: 'edit', filter: ['==', ['geometry-type'], 'Point'],
    paint: {
      'circle-radius': ['match', ['get', 'kind'], 'mid', 3, 'snap', 7, 5],
      'circle-color': ['match', ['get', 'kind'], 'snap', 'rgba(0,0,0,0)', 'mid', '#ede9fe', '#ffffff'],
      'circle-stroke-color': ['match', ['get', 'kind'], 'snap', '#db2777', '#7c3aed'],
      'circle-stroke-width': 2,
    },
  });
  map.on('mousedown', onDown);
  map.on('mousemove', onMove);
  map.on('mouseup', onUp);
  // One finger drags a vertex as the mouse does (MapTouchEvent's
  // preventDefault on touchstart keeps the map from panning); a tap is a
  // click.
  map.on('touchstart', (e) => {
    if (e.points.length === 1) onDown(e);
  });
  map.on('touchmove', (e) => {
    if (dragging >= 0 && e.points.length === 1) onMove(e);
  });
  map.on('touchend', onUp);
  map.on('click', onClick);
  map.on('dblclick', onDblClick);
  map.on('contextmenu', onContext);
  map.on('moveend', () => {
    if (cur && cur.mode !== 'pick') loadTargets();
  });
}

// startEdit begins an edit. mode is 'polygon' (a parcel boundary; ring
// is its exterior ring to edit, or null to draw one) or 'line' (a split
// line), or 'pick' (parcels to merge, starting with picked ids, whose
// geometries shapes gives as [id, geometry] pairs).
// exclude is a parcel id left out of the snap targets (the one edited).
// onChange(edit) runs after every change.
// owner names who started it ('parcel': a parcel's details), for
// stopEdit(owner).
export function startEdit({ mode, ring = null, exclude = 0, picked = [], shapes = [], onChange = () => {}, owner = '' }) {
  const map = state.map;
  install(map);
  stopEdit();
  const pts = ring ? ring.slice(0, -1).map((p) => [p[0], p[1]]) : [];
  cur = { mode, pts, closed: !!ring, exclude, onChange, picked: new Set(picked), shapes: new Map(shapes), owner };
  state.drawing = false; // the Draw tab's coverage polygon stops taking clicks
  document.body.classList.remove('drawing');
  state.editing = true;
  document.body.classList.add('editing');
  document.body.dataset.editMode = mode;
  map.getCanvas().style.cursor = 'crosshair';
  if (mode !== 'pick') loadTargets();
  render();
  return cur;
}

// stopEdit ends the edit, if any (only owner's when given), and clears
// what it drew.
export function stopEdit(owner) {
  if (owner !== undefined && cur?.owner !== owner) return;
  cur = null;
  dragging = -1;
  hover = null;
  state.editing = false;
  document.body.classList.remove('editing');
  delete document.body.dataset.editMode;
  delete document.body.dataset.snapped;
  if (state.map) {
    state.map.getCanvas().style.cursor = '';
    state.map.dragPan.enable();
    if (installed) render();
  }
}

export function currentEdit() {
  return cur;
}

// finishEdit closes a polygon being drawn (3 vertices at least) or ends a
// line (2 at least); false when there are too few.
export function finishEdit() {
  if (!cur) return false;
  dedupe(cur.pts);
  const need = cur.mode === 'polygon' ? 3 : 2;
  if (cur.pts.length < need) return false;
  cur.closed = true;
  changed();
  return true;
}

// editGeometry is the edit's geometry as GeoJSON: a Polygon, a
// LineString, or null while it is not finished.
export function editGeometry() {
  if (!cur || !cur.closed) return null;
  if (cur.mode === 'polygon') return { type: 'Polygon', coordinates: [[...cur.pts, cur.pts[0]].map((p) => [p[0], p[1]])] };
  if (cur.mode === 'line') return { type: 'LineString', coordinates: cur.pts.map((p) => [p[0], p[1]]) };
  return null;
}

// refreshTiles makes the map fetch its vector tiles again after a write
// (the server has dropped the tiles the write touched; the others answer
// 304 to the browser's revalidation).
export function refreshTiles() {
  const src = state.map?.getSource('zonegis');
  if (!src?.setTiles) return;
  state.map.getContainer().setAttribute('aria-busy', 'true');
  src.setTiles(src.tiles || src.serialize().tiles);
}

// zoneAt is the zone in view (of the snap targets) that holds [lon, lat].
export function zoneAt(pt) {
  return targets.zones.find((z) => inGeometry(pt, z.geometry)) || null;
}

function dedupe(pts) {
  for (let i = pts.length - 1; i > 0; i--) {
    if (pts[i][0] === pts[i - 1][0] && pts[i][1] === pts[i - 1][1]) pts.splice(i, 1);
  }
  if (pts.length > 1 && pts[0][0] === pts[pts.length - 1][0] && pts[0][1] === pts[pts.length - 1][1]) pts.pop();
}

// loadTargets fetches the zones and parcels in view (bounded: 50 zones,
// 2,000 parcels, only from zoom 14, where a view holds a few hundred).
async function loadTargets() {
  const map = state.map;
  const seq = ++loadSeq;
  document.body.dataset.snapTargets = 'loading';
  if (map.getZoom() < TARGET_MIN_ZOOM) {
    targets = { rings: [], zones: [] };
    document.body.dataset.snapTargets = '0';
    return;
  }
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(7)).join(',');
  try {
    const [zones, parcels] = await Promise.all([
      getJSON('/collections/zones/items' + query({ bbox, limit: 50, properties: 'code,board_id' })),
      getJSON('/collections/parcels/items' + query({ bbox, limit: 2000, properties: 'lot_code' })),
    ]);
    if (seq !== loadSeq) return;
    const rings = [];
    for (const f of zones.features) rings.push(...ringsOf(f.geometry));
    for (const f of parcels.features) if (f.id !== cur?.exclude) rings.push(...ringsOf(f.geometry));
    targets = { rings, zones: zones.features };
    document.body.dataset.snapTargets = String(rings.length);
  } catch (err) {
    if (seq !== loadSeq) return;
    targets = { rings: [], zones: [] };
    document.body.dataset.snapTargets = 'error';
    console.error('snap targets', err);
  }
}

// snapped is where the pointer at point (screen pixels) puts a vertex:
// onto a target within SNAP_PX, else where it is.
function snapped(point, lngLat) {
  const map = state.map;
  const sw = map.unproject([point.x - SNAP_PX, point.y + SNAP_PX]);
  const ne = map.unproject([point.x + SNAP_PX, point.y - SNAP_PX]);
  const s = snap(point, targets.rings, [sw.lng, sw.lat, ne.lng, ne.lat], (c) => map.project(c), SNAP_PX);
  return s || { coord: [lngLat.lng, lngLat.lat], kind: '' };
}

function nearest(point, coords) {
  let best = -1, bestD = VERTEX_PX;
  coords.forEach((c, i) => {
    const p = state.map.project(c);
    const d = Math.hypot(p.x - point.x, p.y - point.y);
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

function midpoints() {
  const pts = cur.pts;
  const n = cur.mode === 'polygon' ? pts.length : pts.length - 1;
  const out = [];
  for (let i = 0; i < n; i++) {
    const a = pts[i], b = pts[(i + 1) % pts.length];
    out.push([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]);
  }
  return out;
}

function onDown(e) {
  suppressClick = false; // a new gesture: only a drag of this one keeps its click from adding a vertex
  if (!cur || cur.mode === 'pick' || (e.originalEvent.button ?? 0) !== 0) return; // the left button, or a touch
  const i = nearest(e.point, cur.pts);
  if (i < 0 || !cur.closed) return;
  e.preventDefault(); // no panning: this press drags the vertex
  state.map.dragPan.disable();
  dragging = i;
}

function onMove(e) {
  if (!cur || cur.mode === 'pick') return;
  if (dragging >= 0) {
    const s = snapped(e.point, e.lngLat);
    cur.pts[dragging] = s.coord;
    hover = s.kind ? s.coord : null;
    document.body.dataset.snapped = s.kind;
    suppressClick = true;
    render();
    return;
  }
  if (!cur.closed) {
    const s = snapped(e.point, e.lngLat);
    hover = s.kind ? s.coord : null;
    render();
  }
}

function onUp() {
  if (dragging < 0) return;
  dragging = -1;
  state.map.dragPan.enable();
  changed();
}

function onClick(e) {
  if (!cur) return;
  if (suppressClick) {
    suppressClick = false;
    return;
  }
  if (cur.mode === 'pick') {
    pick(e.point);
    return;
  }
  if (e.originalEvent.altKey) {
    removeVertex(nearest(e.point, cur.pts)); // Alt-click: as a right-click
    return;
  }
  if (!cur.closed) {
    if (cur.mode === 'polygon' && cur.pts.length >= 3 && nearest(e.point, [cur.pts[0]]) === 0) {
      finishEdit();
      return;
    }
    const s = snapped(e.point, e.lngLat);
    document.body.dataset.snapped = s.kind;
    cur.pts.push(s.coord);
    hover = null;
    changed();
    return;
  }
  const m = nearest(e.point, midpoints());
  if (m >= 0) {
    cur.pts.splice(m + 1, 0, midpoints()[m]);
    changed();
  }
}

function onDblClick(e) {
  if (!cur || cur.mode === 'pick' || cur.closed) return;
  e.preventDefault();
  finishEdit();
}

function onContext(e) {
  if (!cur || cur.mode === 'pick') return;
  const i = nearest(e.point, cur.pts);
  if (i < 0) return;
  e.preventDefault();
  removeVertex(i);
}

// removeVertex removes vertex i, keeping 3 of a closed polygon and 2 of a
// line.
function removeVertex(i) {
  if (!cur || i < 0 || i >= cur.pts.length) return;
  const min = cur.mode === 'polygon' ? 3 : 2;
  if (cur.closed && cur.pts.length <= min) return;
  cur.pts.splice(i, 1);
  changed();
}

function pick(point) {
  const hit = state.map.queryRenderedFeatures(point, { layers: ['parcels-fill'] })[0];
  if (!hit) return;
  const id = hit.properties.id;
  if (cur.picked.has(id)) cur.picked.delete(id);
  else cur.picked.add(id);
  if (hit.geometry) cur.shapes.set(id, hit.geometry);
  changed();
}

function changed() {
  render();
  cur?.onChange(cur);
}

function render() {
  const src = state.map?.getSource('edit');
  if (!src) return;
  const fc = emptyFC();
  if (cur && cur.mode === 'pick') {
    for (const id of cur.picked) {
      const g = cur.shapes.get(id);
      if (g) fc.features.push({ type: 'Feature', properties: {}, geometry: g });
    }
  }
  if (cur && cur.mode !== 'pick') {
    const pts = cur.pts;
    if (cur.mode === 'polygon' && pts.length >= 3) {
      const ring = cur.closed ? [...pts, pts[0]] : hover ? [...pts, hover, pts[0]] : [...pts, pts[0]];
      fc.features.push({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } });
    } else if (pts.length >= 1) {
      const line = hover && !cur.closed ? [...pts, hover] : pts;
      if (line.length >= 2) fc.features.push({ type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: line } });
    }
    for (const p of pts) fc.features.push({ type: 'Feature', properties: { kind: 'vertex' }, geometry: { type: 'Point', coordinates: p } });
    if (cur.closed) for (const p of midpoints()) fc.features.push({ type: 'Feature', properties: { kind: 'mid' }, geometry: { type: 'Point', coordinates: p } });
    if (hover) fc.features.push({ type: 'Feature', properties: { kind: 'snap' }, geometry: { type: 'Point', coordinates: hover } });
  }
  state.map.getContainer().setAttribute('aria-busy', 'true');
  src.setData(fc);
  state.map.triggerRepaint();
}
