// The server's answers to a planner's write, shown where they belong: each
// validation problem (problem+json: `detail`, and `details.problems` when
// there are several, each naming its field first, as "country must be an
// ISO 3166-1 alpha-2 code") next to the form's field of that name, in the
// page's language (the server's own sentence kept as the element's
// title); a stale version (412 on If-Match) says so and offers to reload;
// the rest (not signed in, not allowed, a conflict) in the form's message.

import { APIError, errorText } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

// What a server sentence says, by its words, as a key of i18n.js. The
// server's wording is its own (internal/zonegis/validate.go,
// internal/postgis/errors.go, the migrations' RAISE EXCEPTION); a
// sentence matching none of these is shown as the server wrote it.
const sentences = [
  [/ is required/, 'prob.required'],
  [/ is not one of /, 'prob.enum'],
  [/ISO 3166-1 alpha-2/, 'prob.country'],
  [/end must be after start/, 'prob.endAfterStart'],
  [/must not be negative/, 'prob.negative'],
  [/already exists in the zone/, 'prob.lotExists'],
  [/is longer than/, 'prob.tooLong'],
  [/lies outside zone/, 'prob.outside'],
  [/overlaps parcel/, 'prob.overlap'],
  [/boundary is not valid/, 'prob.invalidShape'],
  [/want 2 to \d+ lots|pieces, but \d+ lots were given/, 'prob.lotsCount'],
  [/does not cut parcel/, 'prob.noCut'],
  [/want 2 to \d+ parcel ids|needs at least 2 different parcels/, 'prob.mergeCount'],
  [/are not adjacent/, 'prob.notAdjacent'],
  [/have different land uses/, 'prob.mergeLandUse'],
  [/are in different zones/, 'prob.mergeZones'],
  [/YYYY-MM-DD|calendar date/, 'prob.date'],
  [/already ended/, 'prob.ended'],
  [/only an available parcel can be reserved/, 'prob.notAvailable'],
  [/only a reserved parcel can be released/, 'prob.notHeld'],
  [/has leases; its history is kept/, 'prob.hasLeases'],
  [/conflicts with another record/, 'prob.leaseOverlap'],
];

// translate is a server sentence in the page's language.
export function translate(sentence) {
  for (const [re, key] of sentences) if (re.test(sentence)) return t(key);
  return sentence;
}

// fieldOf is the name of the form field a sentence is about: its first
// word (after "body." or "properties."), or else the first field named
// anywhere in it, or "" when none of names is.
export function fieldOf(sentence, names) {
  const s = sentence.replace(/^(body|properties)\./, '');
  const first = /^([a-z_]+(?:\[\d+\](?:\.[a-z_]+)?)?)/.exec(s)?.[1] || '';
  if (names.includes(first)) return first;
  if (/ boundary | lies outside zone|overlaps parcel/.test(s) && names.includes('geometry')) return 'geometry';
  const named = names.find((n) => new RegExp(`\\b${n.replace(/[[\].]/g, '\\$&')}\\b`).test(s));
  if (named) return named;
  if (/^parcels? \d/.test(s) && names.includes('ids')) return 'ids'; // a merge's parcels
  return '';
}

// clearProblems removes what showProblems put in form.
export function clearProblems(form, msg) {
  for (const el of form.querySelectorAll('.field-problem')) el.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  if (msg) {
    msg.className = '';
    msg.replaceChildren();
  }
}

// showProblems shows err, the failure of a write from form, by its
// fields (named controls of form: name="country"), the rest in msg.
// reload, when given, is offered on a stale version.
export function showProblems(form, msg, err, reload) {
  clearProblems(form, msg);
  msg.className = 'error';
  if (err instanceof APIError && err.status === 412) {
    msg.append(h('span', { class: 'stale' }, t('stale')), ' ');
    if (reload) msg.append(h('button', { type: 'button', class: 'reload', onclick: reload }, t('reload')));
    return;
  }
  const invalid = err instanceof APIError && (err.status === 400 || err.status === 409);
  if (!invalid) {
    msg.textContent = errorText(err);
    return;
  }
  const named = [...form.querySelectorAll('[name]')];
  const names = named.map((el) => el.name || el.getAttribute('name'));
  const list = Array.isArray(err.problem?.details?.problems) ? err.problem.details.problems : [err.problem?.detail || err.message];
  const rest = [];
  for (const sentence of list) {
    const name = fieldOf(sentence, names);
    const el = named[names.indexOf(name)];
    const text = translate(sentence);
    if (!el) {
      rest.push(text === sentence ? sentence : `${text} (${sentence})`);
      continue;
    }
    el.setAttribute('aria-invalid', 'true');
    const note = h('span', { class: 'field-problem', role: 'alert', title: sentence, dataset: { field: name } }, text);
    (el.closest('label') || el).after(note);
  }
  if (rest.length) msg.textContent = rest.join('; ');
  else msg.textContent = t('fixFields');
}
