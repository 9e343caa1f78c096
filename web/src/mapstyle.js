// The map's style: the server's vector tiles (one "all" tile set with the
// zones, green-areas and parcels layers), coloured by zone kind and parcel
// status, over a plain background or the configured base map. No glyphs or
// sprites are needed, so nothing is fetched from the internet.

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

function match(prop, colors, fallback) {
  const m = ['match', ['get', prop]];
  for (const [k, v] of Object.entries(colors)) m.push(k, v);
  m.push(fallback);
  return m;
}

export function buildStyle(tilesURL, basemapURL) {
  const sources = {
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
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#eef1ec' } }];
  if (basemapURL) {
    sources.basemap = { type: 'raster', tiles: [basemapURL], tileSize: 256, attribution: '© OpenStreetMap contributors' };
    layers.push({ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.8 } });
  }
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
  return { version: 8, sources, layers };
}

export function empty() {
  return { type: 'FeatureCollection', features: [] };
}
