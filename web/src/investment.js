// A zone's investment figures (GET /stats/investment?zone=…): the
// projects registered there, FDI and domestic, their capital in US dollars
// (new and added, at the rates recorded with each amount) and their actual
// workers, over every year (the series' total). Project capital is
// confidential per enterprise: the server gives it exactly to the zone's
// board, else rounded or withheld with the reason, and this shows what it
// gives (the key or session goes with the request, as for the dashboard).
// Counts and workers are public.

import { getJSON } from './api.js';
import { h, rows } from './dom.js';
import { num, t } from './i18n.js';

// investmentFigures is a box that fills itself with zone's figures; prefix
// names its elements' ids (the card's and the dashboard's live side by
// side).
export function investmentFigures(zoneID, prefix) {
  return figuresBox(`?zone=${encodeURIComponent(zoneID)}`, prefix);
}

// investmentSection is the dashboard overview's section (dashboard.js's
// overviewSections): the same figures for the country or one board.
export function investmentSection({ board }) {
  return figuresBox(board ? `?board=${encodeURIComponent(board)}` : '', 'overview');
}

function figuresBox(query, prefix) {
  const box = h('div', { class: 'investment', id: `${prefix}-inv` }, h('h4', {}, t('inv.title')), h('p', { class: 'note' }, t('loading')));
  getJSON(`/stats/investment${query}`, { withKey: true }).then((doc) => {
    const s = (doc.totals || []).find((it) => it.group === 'all');
    if (!s || (s.projects_new === 0 && s.adjustments === 0)) {
      box.replaceChildren(h('h4', {}, t('inv.title')), h('p', { class: 'note', id: `${prefix}-inv-none` }, t('inv.none')));
      return;
    }
    const fig = (id, ...text) => h('span', { id: `${prefix}-inv-${id}` }, ...text);
    box.replaceChildren(
      h('h4', {}, t('inv.title')),
      rows([
        [t('inv.projects'), fig('projects', `${num(s.projects_new, 0)} (${t('inv.fdi')} ${num(s.projects_new_fdi, 0)} · ${t('inv.domestic')} ${num(s.projects_new_domestic, 0)})`)],
        [t('inv.fdiCapital'), fig('fdi', amountText(s.fdi_in_usd))],
        [t('inv.domesticCapital'), fig('domestic', amountText(s.domestic_in_usd))],
        [t('inv.workers'), fig('workers', `${num(s.workers, 0)} (${t('inv.foreign')} ${num(s.workers_foreign, 0)})`)],
      ]),
      h('p', { class: 'note' }, t('inv.note')));
  }).catch((err) => box.replaceChildren(h('h4', {}, t('inv.title')), h('p', { class: 'error' }, err.message)));
  return box;
}

// amountText is a money figure as the server disclosed it: exact, "≈
// rounded (to the nearest unit)", or why it is withheld.
function amountText(a) {
  if (!a || a.value == null) return a && a.disclosure.startsWith('withheld: fewer') ? t('inv.fewEnterprises') : t('inv.withheld');
  const v = Number(a.value);
  if (a.disclosure === 'rounded') return `≈ ${num(v, 0)} (${t('capitalRounded')} ${num(Number(a.rounding), 0)})`;
  return num(v, 0);
}
