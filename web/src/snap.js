// Snapping for the editor (edit.js): a pointer within a few pixels of a
// vertex or an edge of the zone boundary or a neighbouring parcel goes
// onto it. Pure functions over rings of [lon, lat] positions; the map's
// projection is passed in, so the tolerance is in screen pixels.

// ringsOf lists the rings of a GeoJSON Polygon or MultiPolygon, each with
// its bound ([minLon, minLat, maxLon, maxLat]) for a quick rejection.
export function ringsOf(geometry) {
  if (!geometry) return [];
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  const out = [];
  for (const poly of polys) {
    for (const ring of poly) {
      let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (const [x, y] of ring) {
        if (x < minX) minX = x;
        if (y < minY) minY = y;
        if (x > maxX) maxX = x;
        if (y > maxY) maxY = y;
      }
      out.push({ ring, bound: [minX, minY, maxX, maxY] });
    }
  }
  return out;
}

// snap finds where the pointer at px ({x, y}, screen pixels) snaps to
// among rings: the nearest vertex within tolPx, else the nearest point of
// an edge within tolPx (interpolated in lon/lat, so it lies on the edge
// as PostGIS reads it: a straight segment in degrees). box is the
// pointer's neighbourhood in degrees ([minLon, minLat, maxLon, maxLat]),
// project turns [lon, lat] into screen pixels. It returns {coord, kind}
// with kind 'vertex' or 'edge', or null when nothing is that close.
export function snap(px, rings, box, project, tolPx) {
  let best = null;
  let bestD = tolPx;
  const near = rings.filter(({ bound: b }) => b[0] <= box[2] && b[2] >= box[0] && b[1] <= box[3] && b[3] >= box[1]);
  for (const { ring } of near) {
    for (const v of ring) {
      if (v[0] < box[0] || v[0] > box[2] || v[1] < box[1] || v[1] > box[3]) continue;
      const p = project(v);
      const d = Math.hypot(p.x - px.x, p.y - px.y);
      if (d <= bestD) {
        bestD = d;
        best = { coord: [v[0], v[1]], kind: 'vertex' };
      }
    }
  }
  if (best) return best;
  bestD = tolPx;
  for (const { ring } of near) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i], b = ring[i + 1];
      if (Math.max(a[0], b[0]) < box[0] || Math.min(a[0], b[0]) > box[2] || Math.max(a[1], b[1]) < box[1] || Math.min(a[1], b[1]) > box[3]) continue;
      const pa = project(a), pb = project(b);
      const dx = pb.x - pa.x, dy = pb.y - pa.y;
      const len2 = dx * dx + dy * dy;
      if (len2 === 0) continue;
      const t = Math.max(0, Math.min(1, ((px.x - pa.x) * dx + (px.y - pa.y) * dy) / len2));
      const d = Math.hypot(pa.x + t * dx - px.x, pa.y + t * dy - px.y);
      if (d <= bestD) {
        bestD = d;
        best = { coord: [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])], kind: 'edge' };
      }
    }
  }
  return best;
}

// pointInRing says whether [lon, lat] is inside ring (even-odd rule).
export function pointInRing(pt, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i], [xj, yj] = ring[j];
    if ((yi > pt[1]) !== (yj > pt[1]) && pt[0] < ((xj - xi) * (pt[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// inGeometry says whether [lon, lat] is inside a GeoJSON (Multi)Polygon.
export function inGeometry(pt, geometry) {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  return polys.some((poly) => pointInRing(pt, poly[0]) && !poly.slice(1).some((hole) => pointInRing(pt, hole)));
}
