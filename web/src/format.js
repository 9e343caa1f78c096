// How names and areas are written, in the page's language.

import { getLang, num } from './i18n.js';

export function zoneName(p) {
  return getLang() === 'en' ? p.name_en || p.name_vi : p.name_vi || p.name_en;
}

export function otherZoneName(p) {
  return getLang() === 'en' ? p.name_vi : p.name_en;
}

// ha formats an area given in square metres, in hectares.
export function ha(m2) {
  return num(m2 / 10000, 2) + ' ha';
}

// hectares formats an area given in hectares (the unit of /stats).
export function hectares(v) {
  return num(v, 2) + ' ha';
}
