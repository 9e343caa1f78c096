// What the page's modules share: the map, the parcel filter, the zone the
// dashboard shows and the polygon being drawn.

export const state = {
  map: null,
  statuses: new Set(), // the parcel statuses shown: all of them at first
  landUse: '',
  zone: null, // the zone feature the dashboard shows
  drawing: false,
  drawPoints: [],
  editing: false, // edit.js's editor has the map's clicks
};
