// Names of places and of the values of enumerated fields, in the page's
// language, from one source each: provinces and regions from GET /enums
// (the server's table, Vietnamese and English), the fields' values from
// i18n.js, countries from the browser's own list (Intl.DisplayNames).

import { enums } from './enums.js';
import { getLang, t } from './i18n.js';

// provinceName gives a province (as zones store it: its Vietnamese name)
// in the page's language; a name the server does not list stays as it is.
export function provinceName(name) {
  const p = enums.provinces.find((x) => x.name_vi === name || x.code === name);
  if (!p) return name || '';
  return getLang() === 'en' ? p.name_en : p.name_vi;
}

export function placeName(p) {
  return getLang() === 'en' ? p.name_en : p.name_vi;
}

// countryName names an ISO 3166-1 alpha-2 code ("JP": Nhật Bản / Japan).
export function countryName(code) {
  try {
    return new Intl.DisplayNames([getLang()], { type: 'region' }).of(code) || code;
  } catch {
    return code;
  }
}

// sectorName translates a lessee's or zone's sector where i18n.js knows it.
export function sectorName(s) {
  const k = 'sector.' + s;
  const v = t(k);
  return v === k ? s : v;
}
