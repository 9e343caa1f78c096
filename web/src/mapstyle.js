// The map's style: the context tile sets (provinces, wards), the server's
// vector tiles (one "all" tile set with the zones, green-areas and parcels
// layers), coloured by zone kind and parcel status, and the names of
// provinces, wards, zones and lots in the page's language, over the sea's
// colour (the provinces are the land) or the configured base map. The
// glyphs are the server's own (Noto Sans, made at build time): nothing is
// fetched from the internet unless ZONEGIS_BASEMAP_URL names a base map.

export const kindColors = {
  industrial_park: '#4f6bd8',
  export_processing_zone: '#9b4dca',
  high_tech_park: '#0f9b9b',
  economic_zone: '#e07b24',
};

// Parcel fills are opaque so that what a person (or a test) sees is the
// status colour itself.
export const statusColors = {
  available: '#22c55e',
  reserved: '#f59e0b',
  leased: '#ef4444',
};

export const greenColor = '#166534';

// The land (provinces) and the sea (the background outside them).
export const landColor = '#eef1ec';
export const seaColor = '#cfe0ea';
export const provinceLineColor = '#7c8797';

// The font stack the glyphs are built for (web/glyphgen), and the glyph
// URL: /app/assets/glyphs-NotoSans-Regular-0-255.pbf and so on.
const font = ['NotoSans-Regular'];

// The labels whose names follow the language, and the zoom each starts at.
const nameLayers = ['province-names', 'ward-names', 'zone-names'];

// nameField is the expression of a feature's name in lang: English where
// the feature has one, else the Vietnamese.
export function nameField(lang) {
  if (lang !== 'en') return ['get', 'name_vi'];
  return ['case', ['!=', ['coalesce', ['get', 'name_en'], ''], ''], ['get', 'name_en'], ['get', 'name_vi']];
}

// relabel writes the names of map in lang.
export function relabel(map, lang) {
  for (const id of nameLayers) if (map.getLayer(id)) map.setLayoutProperty(id, 'text-field', nameField(lang));
}

function label(id, source, sourceLayer, minzoom, size, color, lang, extra = {}) {
  return {
    id, type: 'symbol', source, 'source-layer': sourceLayer, minzoom,
    layout: { 'text-field': nameField(lang), 'text-font': font, 'text-size': size, 'text-max-width': 8, ...extra },
    paint: { 'text-color': color, 'text-halo-color': '#ffffff', 'text-halo-width': 1.4 },
  };
}

function match(prop, colors, fallback) {
  const m = ['match', ['get', prop]];
  for (const [k, v] of Object.entries(colors)) m.push(k, v);
  m.push(fallback);
  return m;
}

// buildStyle is the style over the API at base (its origin and path), in
// lang, with the raster base map basemapURL under everything when given.
export function buildStyle(base, basemapURL, lang) {
  const tilesURL = base + '/tiles/all/{z}/{x}/{y}.mvt';
  const sources = {
    provinces: {
      type: 'vector', tiles: [base + '/tiles/provinces/{z}/{x}/{y}.mvt'], minzoom: 0, maxzoom: 14,
      attribution: 'Provinces, wards 2025: © Thang Le Quoc (MIT)',
    },
    wards: { type: 'vector', tiles: [base + '/tiles/wards/{z}/{x}/{y}.mvt'], minzoom: 8, maxzoom: 14 },
    zonegis: {
      type: 'vector',
      tiles: [tilesURL],
      minzoom: 0,
      maxzoom: 16,
      attribution: '© OpenStreetMap contributors',
    },
    selection: { type: 'geojson', data: empty() },
    sites: { type: 'geojson', data: empty() },
    draw: { type: 'geojson', data: empty() },
  };
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': basemapURL ? landColor : seaColor } }];
  if (basemapURL) {
    sources.basemap = { type: 'raster', tiles: [basemapURL], tileSize: 256, attribution: '© OpenStreetMap contributors' };
    layers.push({ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.8 } });
  }
  layers.push(
    // Context, under the land records: the provinces are the land (only
    // their boundaries over a base map), wards from zoom 9.
    {
      id: 'provinces-fill', type: 'fill', source: 'provinces', 'source-layer': 'provinces',
      paint: { 'fill-color': landColor, 'fill-opacity': basemapURL ? 0 : 1 },
    },
    {
      id: 'wards-line', type: 'line', source: 'wards', 'source-layer': 'wards', minzoom: 9,
      paint: { 'line-color': '#a9b1bc', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.4, 14, 1] },
    },
    {
      id: 'provinces-line', type: 'line', source: 'provinces', 'source-layer': 'provinces',
      paint: { 'line-color': provinceLineColor, 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 0.8, 10, 1.6] },
    },
  );
  layers.push(
    {
      id: 'zones-fill', type: 'fill', source: 'zonegis', 'source-layer': 'zones',
      paint: { 'fill-color': match('kind', kindColors, '#888'), 'fill-opacity': 0.18 },
    },
    {
      id: 'green-fill', type: 'fill', source: 'zonegis', 'source-layer': 'green-areas', minzoom: 10,
      paint: { 'fill-color': greenColor, 'fill-opacity': 0.55 },
    },
    {
      id: 'parcels-fill', type: 'fill', source: 'zonegis', 'source-layer': 'parcels', minzoom: 10,
      paint: { 'fill-color': match('status', statusColors, '#999'), 'fill-opacity': 1 },
    },
    {
      id: 'parcels-line', type: 'line', source: 'zonegis', 'source-layer': 'parcels', minzoom: 14,
      paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 14, 0.4, 18, 1.5] },
    },
    {
      id: 'zones-line', type: 'line', source: 'zonegis', 'source-layer': 'zones',
      paint: { 'line-color': match('kind', kindColors, '#888'), 'line-width': ['interpolate', ['linear'], ['zoom'], 4, 1.5, 12, 2, 16, 3] },
    },
    // Names: provinces from zoom 5 (wards' from 11), zones from 10 in the
    // page's language, lots' codes from 16.
    label('province-names', 'provinces', 'province-labels', 5, ['interpolate', ['linear'], ['zoom'], 5, 11, 9, 15], '#374151', lang,
      { 'text-transform': 'none', 'text-letter-spacing': 0.04 }),
    label('ward-names', 'wards', 'ward-labels', 11, 11, '#6b7280', lang),
    label('zone-names', 'zonegis', 'zones', 10, 12, '#1f2937', lang, { 'text-padding': 4 }),
    {
      id: 'lot-codes', type: 'symbol', source: 'zonegis', 'source-layer': 'parcels', minzoom: 16,
      layout: { 'text-field': ['get', 'lot_code'], 'text-font': font, 'text-size': 10 },
      paint: { 'text-color': '#111827', 'text-halo-color': '#ffffff', 'text-halo-width': 1 },
    },
    {
      id: 'sites-line', type: 'line', source: 'sites',
      paint: { 'line-color': '#0369a1', 'line-width': 3 },
    },
    {
      id: 'selection-line', type: 'line', source: 'selection',
      paint: { 'line-color': '#111827', 'line-width': 3 },
    },
    {
      id: 'draw-fill', type: 'fill', source: 'draw', filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': '#2563eb', 'fill-opacity': 0.12 },
    },
    {
      id: 'draw-line', type: 'line', source: 'draw', filter: ['!=', ['geometry-type'], 'Point'],
      paint: { 'line-color': '#2563eb', 'line-width': 2, 'line-dasharray': [2, 1] },
    },
    {
      id: 'draw-points', type: 'circle', source: 'draw', filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 4, 'circle-color': '#ffffff', 'circle-stroke-color': '#2563eb', 'circle-stroke-width': 2 },
    },
  );
  return { version: 8, glyphs: base + '/app/assets/glyphs-{fontstack}-{range}.pbf', sources, layers };
}

export function empty() {
  return { type: 'FeatureCollection', features: [] };
}
