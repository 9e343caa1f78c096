// What the page's modules share: the map, the parcel filter, the zone the
// dashboard shows, the polygon being drawn and the selected feature.

export const state = {
  map: null,
  statuses: new Set(), // the parcel statuses shown: all of them at first
  landUse: '',
  zone: null, // the zone feature the dashboard shows
  drawing: false,
  drawPoints: [],
  editing: false, // edit.js's editor has the map's clicks
  selected: null, // the feature the details show (map.js setSource 'selection')
  onSelect: null, // called when it changes (urlstate.js)
};
