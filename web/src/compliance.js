// Zones coloured by green compliance on the map: a fill layer over the
// zone tiles, coloured by a data-driven style from the figures of
// GET /stats/zones (the zones that reach the minimum green share, those
// that do not), drawn over the zones' own fill and under green areas and
// parcels. Only the zones of the dashboard's scope (the country or one
// board) are coloured.

import { busy } from './map.js';
import { state } from './state.js';

export const compliantColor = '#15803d';
export const notCompliantColor = '#dc2626';

const layerID = 'zones-compliance';

// showCompliance colours zones (ZoneStats of /stats/zones) on the map, or
// removes the colouring when zones is null.
export function showCompliance(zones) {
  const map = state.map;
  if (!map) return;
  const apply = () => {
    if (map.getLayer(layerID)) map.removeLayer(layerID);
    if (zones) {
      const ok = zones.filter((z) => z.green_compliant).map((z) => z.zone_id);
      const all = zones.map((z) => z.zone_id);
      map.addLayer({
        id: layerID, type: 'fill', source: 'zonegis', 'source-layer': 'zones',
        filter: all.length ? ['in', ['get', 'id'], ['literal', all]] : ['==', 1, 0],
        paint: {
          'fill-color': ok.length ? ['case', ['in', ['get', 'id'], ['literal', ok]], compliantColor, notCompliantColor] : notCompliantColor,
          'fill-opacity': 0.75,
        },
      }, map.getLayer('green-fill') ? 'green-fill' : undefined);
    }
    busy();
    map.triggerRepaint();
  };
  // isStyleLoaded is false while tiles load; data-ready is the map's load.
  if (map.getContainer().dataset.ready === 'true') apply();
  else map.once('load', apply);
}

// complianceShown reports whether the map colours zones by compliance.
export function complianceShown() {
  return !!state.map?.getLayer(layerID);
}
