// The zone card's facts for investors: land rent per lease term (a range,
// with the year or years the term ends), management fee, power, water and
// wastewater capacity, incentives in the page's language, the developer's
// or board's contact (public), and the hectares still to lease (from
// /stats/zones/{id}). A fact the board has not given is said to be
// unknown; nothing is filled in.

import { errorText, getJSON } from './api.js';
import { h, rows } from './dom.js';
import { hectares } from './format.js';
import { getLang, num, t } from './i18n.js';

const unknown = () => h('span', { class: 'unknown' }, t('unknown'));

function usd(v, digits = 2) {
  return v == null ? null : `${num(v, digits)} USD`;
}

// rent writes the range "180–220 USD/m²" (one price when equal) with the
// term's end, "to 2058" / "to 2058, 2068".
function rent(p) {
  const lo = p.rent_min_usd_m2, hi = p.rent_max_usd_m2;
  if (lo == null && hi == null) return null;
  let s = lo != null && hi != null && lo !== hi ? `${num(lo)}–${num(hi)}` : num(lo ?? hi);
  s += ` ${t('usdPerM2Term')}`;
  if (p.rent_term_ends?.length) s += ` (${t('termTo')} ${p.rent_term_ends.join(', ')})`;
  return s;
}

function link(href, text) {
  return h('a', { href, rel: 'noopener noreferrer', target: '_blank' }, text);
}

export function investorFacts(f) {
  const p = f.properties;
  const fact = (v) => (v == null || v === '' ? unknown() : v);
  const incentives = getLang() === 'en' ? p.incentives_en || p.incentives_vi : p.incentives_vi || p.incentives_en;
  const contact = [
    p.contact_name,
    p.contact_phone ? link('tel:' + p.contact_phone.replace(/[^0-9+]/g, ''), p.contact_phone) : null,
    p.contact_email ? link('mailto:' + p.contact_email, p.contact_email) : null,
    p.contact_website ? link(p.contact_website, p.contact_website.replace(/^https?:\/\//, '')) : null,
  ].filter(Boolean);
  const left = h('span', { id: 'zone-leasable-left' }, t('loading'));
  const box = h('div', { id: 'investor-facts', class: 'investor' },
    h('h3', {}, t('investorFacts')),
    rows([
      [t('leasableLeft'), left],
      [t('landRent'), fact(rent(p))],
      [t('managementFee'), fact(p.fee_usd_m2_year == null ? null : `${usd(p.fee_usd_m2_year)}/m²/${t('yearUnit')}`)],
      [t('power'), fact(p.power_mva == null ? null : `${num(p.power_mva, 1)} MVA`)],
      [t('water'), fact(p.water_m3_day == null ? null : `${num(p.water_m3_day, 0)} m³/${t('day')}`)],
      [t('wastewater'), fact(p.wastewater_m3_day == null ? null : `${num(p.wastewater_m3_day, 0)} m³/${t('day')}`)],
      [t('incentives'), fact(incentives)],
      [t('developerContact'), contact.length ? h('span', { class: 'contact' }, ...contact.flatMap((c, i) => (i ? [h('br'), c] : [c]))) : unknown()],
    ]));
  getJSON(`/stats/zones/${f.id}`).then(
    (doc) => left.replaceChildren(`${hectares(doc.zone.available_ha)} / ${hectares(doc.zone.leasable_ha)}`),
    (err) => left.replaceChildren(h('span', { class: 'error' }, errorText(err))));
  return box;
}
