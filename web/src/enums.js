// The values of the enumerated fields and the export formats, as the
// server lists them (GET /enums, from the lists it validates against).
// The page builds its filters, legend, tables and export links from them
// and keeps no copies of its own; they are loaded before it is built.

import { getJSON } from './api.js';

export const enums = {
  zone_kinds: [],
  zone_statuses: [],
  zone_models: [],
  land_uses: [],
  parcel_statuses: [],
  green_kinds: [],
  export_formats: [],
  provinces: [], // {code, name_vi, name_en, region}: the 34 provinces of 2025
  regions: [], // {code, name_vi, name_en}: the six socio-economic regions
};

export async function loadEnums() {
  const doc = await getJSON('/enums');
  for (const k of Object.keys(enums)) enums[k] = Array.isArray(doc?.[k]) ? doc[k] : [];
}
