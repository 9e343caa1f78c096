// A planner's tools in a parcel's details: its fields (lot code, land use
// from /enums), its boundary (edited on the map, edit.js), split along a
// drawn line, merge with picked neighbours, the leasing workflow (lease,
// reserve, release, end the lease in force) and delete. Every write sends
// the version the panel shows (If-Match), so a parcel changed meanwhile is
// answered 412, said so with a reload; the server's problems show by
// their fields (problems.js). Only callers who may write some board see
// them (canEdit); the server checks the parcel's board itself.

import { apiKey, getJSON, me, send } from './api.js';
import { h } from './dom.js';
import { currentEdit, editGeometry, finishEdit, refreshTiles, startEdit, stopEdit } from './edit.js';
import { enums } from './enums.js';
import { t } from './i18n.js';
import { clearProblems, showProblems } from './problems.js';

const writers = new Set(['planner', 'board_admin', 'admin']);

// Signed out (or a viewer now): the open parcel's tools go.
document.addEventListener('zonegis:account', () => {
  if (canEdit()) return;
  stopEdit('parcel');
  document.querySelector('#parcel-tools')?.remove();
});

// canEdit: the page acts as someone who may write land records of some
// board (a planner, a board's admin, an admin), or as a pasted key (whose
// roles the page cannot see; the server answers 403 if it may not).
// Viewers and the ministry's readers see no editing controls.
export function canEdit() {
  const who = me();
  if (who) return (who.roles || []).some((r) => writers.has(r.role));
  return !!apiKey();
}

// today is Vietnam's day (UTC+7), YYYY-MM-DD, as the server counts days.
export function today() {
  return new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
}

export function ifMatch(f) {
  return f.properties.version ? { 'If-Match': `"${f.properties.version}"` } : {};
}

// field is a labelled control named as the API's field.
export function field(label, control) {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

export function landUseSelect(id, name, value) {
  return h('select', { id, name },
    enums.land_uses.map((u) => h('option', { value: u, selected: value === u }, t('use.' + u))));
}

function button(id, key, onclick, cls = '') {
  return h('button', { type: 'button', id, class: cls, onclick }, t(key));
}

// submitting runs write for a form's submit: its message says saving,
// then the write's problems by field, or done.
export function submitting(form, msg, write, reload) {
  return async (e) => {
    e.preventDefault();
    clearProblems(form, msg);
    msg.textContent = t('saving');
    try {
      await write();
      msg.textContent = t('saved');
    } catch (err) {
      showProblems(form, msg, err, reload);
    }
  };
}

// plannerTools is the tools box for parcel feature f; open(id) shows a
// parcel's details (this one again after a write).
export function plannerTools(f, open) {
  const reload = () => {
    stopEdit();
    open(f.id);
  };
  const done = async () => {
    refreshTiles();
    await open(f.id);
    document.body.dataset.saved = String(f.id); // once the panel shows what was saved
  };
  const box = h('div', { id: 'parcel-tools', class: 'tools' },
    attributesForm(f, done, reload),
    shapeTools(f, done, reload),
    splitTools(f, open, reload),
    mergeTools(f, open, reload),
    leasingTools(f, done, reload),
    deleteTools(f, reload));
  return box;
}

function attributesForm(f, done, reload) {
  const p = f.properties;
  const msg = h('p', { id: 'edit-msg', role: 'status' });
  const lot = h('input', { id: 'edit-lot-code', name: 'lot_code', value: p.lot_code, maxlength: 64 });
  const use = landUseSelect('edit-land-use', 'land_use', p.land_use);
  const form = h('form', { id: 'edit-parcel', class: 'edit' },
    h('h3', {}, t('editParcel')),
    field(t('lotCode'), lot),
    field(t('landUse'), use), ' ',
    h('button', { type: 'submit', class: 'primary' }, t('save')), msg);
  form.addEventListener('submit', submitting(form, msg, async () => {
    await send('PATCH', `/collections/parcels/items/${f.id}`,
      { type: 'Feature', properties: { lot_code: lot.value.trim(), land_use: use.value } }, ifMatch(f));
    await done();
  }, reload));
  return form;
}

// polygonOf is the one polygon of a parcel's boundary (a Polygon, or a
// MultiPolygon of one part, as the database keeps boundaries), as its
// rings, and how to write a changed one back in the same type; null for a
// boundary of several parts.
function polygonOf(geometry) {
  if (geometry?.type === 'Polygon') return { rings: geometry.coordinates, wrap: (rings) => ({ type: 'Polygon', coordinates: rings }) };
  if (geometry?.type === 'MultiPolygon' && geometry.coordinates.length === 1) {
    return { rings: geometry.coordinates[0], wrap: (rings) => ({ type: 'MultiPolygon', coordinates: [rings] }) };
  }
  return null;
}

function shapeTools(f, done, reload) {
  const msg = h('p', { id: 'shape-msg', role: 'status' });
  const out = h('output', { name: 'geometry' });
  const form = h('form', { id: 'shape-form', class: 'edit' }, h('h3', {}, t('editShape')));
  const poly = polygonOf(f.geometry);
  if (!poly) {
    form.append(h('p', { class: 'note' }, t('shapeMulti')));
    return form;
  }
  const save = h('button', { type: 'submit', class: 'primary', id: 'shape-save', hidden: true }, t('saveShape'));
  const cancel = button('shape-cancel', 'cancel', () => {
    stopEdit();
    save.hidden = cancel.hidden = true;
    start.hidden = false;
    clearProblems(form, msg);
  });
  cancel.hidden = true;
  const start = button('shape-edit', 'editShapeStart', () => {
    startEdit({ mode: 'polygon', ring: poly.rings[0], exclude: f.id, owner: 'parcel' });
    msg.textContent = t('shapeHint');
    save.hidden = cancel.hidden = false;
    start.hidden = true;
  });
  form.append(h('div', { class: 'buttons' }, start, save, cancel), out, msg);
  form.addEventListener('submit', submitting(form, msg, async () => {
    const g = editGeometry();
    if (!g) throw new Error(t('shapeUnfinished'));
    const geometry = poly.wrap([g.coordinates[0], ...poly.rings.slice(1)]);
    await send('PATCH', `/collections/parcels/items/${f.id}`, { type: 'Feature', geometry }, ifMatch(f));
    stopEdit();
    await done();
  }, reload));
  return form;
}

function lotRow(i, lotCode, landUse) {
  return h('div', { class: 'lot-row' },
    field(`${t('lotCode')} ${i + 1}`, h('input', { name: `lots[${i}].lot_code`, value: lotCode, maxlength: 64 })),
    field(t('landUse'), landUseSelect(null, `lots[${i}].land_use`, landUse)));
}

function splitTools(f, open, reload) {
  const p = f.properties;
  const msg = h('p', { id: 'split-msg', role: 'status' });
  const lots = h('div', { class: 'lots' }, lotRow(0, `${p.lot_code}-1`, p.land_use), lotRow(1, `${p.lot_code}-2`, p.land_use));
  const form = h('form', { id: 'split-form', class: 'edit', hidden: true },
    h('p', { class: 'note' }, t('splitHint')), h('output', { name: 'line' }), lots,
    h('div', { class: 'buttons' },
      button('split-add-lot', 'addLot', () => lots.append(lotRow(lots.children.length, `${p.lot_code}-${lots.children.length + 1}`, p.land_use))),
      h('button', { type: 'submit', class: 'primary', id: 'split-save' }, t('split')),
      button('split-cancel', 'cancel', () => {
        stopEdit();
        form.hidden = true;
        startBtn.hidden = false;
      })),
    msg);
  const startBtn = button('split-start', 'splitStart', () => {
    startEdit({ mode: 'line', owner: 'parcel' });
    form.hidden = false;
    startBtn.hidden = true;
  });
  form.addEventListener('submit', submitting(form, msg, async () => {
    if (currentEdit() && !currentEdit().closed) finishEdit();
    const line = editGeometry();
    if (!line) throw new Error(t('lineUnfinished'));
    const body = {
      line,
      lots: [...lots.children].map((row) => ({
        lot_code: row.querySelector('input').value.trim(),
        land_use: row.querySelector('select').value,
      })),
    };
    const r = await send('POST', `/parcels/${f.id}/split`, body, ifMatch(f));
    stopEdit();
    refreshTiles();
    document.body.dataset.split = r.features.map((c) => c.id).join(',');
    await open(r.features[0].id);
  }, reload));
  return h('div', { class: 'tool' }, h('h3', {}, t('splitTitle')), startBtn, form);
}

function mergeTools(f, open, reload) {
  const msg = h('p', { id: 'merge-msg', role: 'status' });
  const picked = h('output', { name: 'ids', id: 'merge-picked' });
  const lot = h('input', { name: 'lot_code', id: 'merge-lot-code', value: f.properties.lot_code, maxlength: 64 });
  const use = landUseSelect('merge-land-use', 'land_use', f.properties.land_use);
  const showPicked = (edit) => {
    picked.textContent = `${t('picked')}: ${edit.picked.size}`;
  };
  const form = h('form', { id: 'merge-form', class: 'edit', hidden: true },
    h('p', { class: 'note' }, t('mergeHint')), picked,
    field(t('lotCode'), lot), field(t('landUse'), use),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary', id: 'merge-save' }, t('merge')),
      button('merge-cancel', 'cancel', () => {
        stopEdit();
        form.hidden = true;
        startBtn.hidden = false;
      })),
    msg);
  const startBtn = button('merge-start', 'mergeStart', () => {
    const edit = startEdit({ mode: 'pick', picked: [f.id], shapes: [[f.id, f.geometry]], onChange: showPicked, owner: 'parcel' });
    showPicked(edit);
    form.hidden = false;
    startBtn.hidden = true;
  });
  form.addEventListener('submit', submitting(form, msg, async () => {
    const ids = [...(currentEdit()?.picked || [])];
    const r = await send('POST', '/parcels/merge', { ids, lot_code: lot.value.trim(), land_use: use.value });
    stopEdit();
    refreshTiles();
    document.body.dataset.merged = String(r.id);
    await open(r.id);
  }, reload));
  return h('div', { class: 'tool' }, h('h3', {}, t('mergeTitle')), startBtn, form);
}

function leasingTools(f, done, reload) {
  const box = h('div', { id: 'leasing-tools', class: 'tool' }, h('h3', {}, t('leasingTitle')));
  const status = f.properties.status;
  const msg = h('p', { id: 'hold-msg', role: 'status' });
  const hold = (path) => async () => {
    clearProblems(box, msg);
    msg.textContent = t('saving');
    try {
      await send('POST', `/parcels/${f.id}/${path}`, null, ifMatch(f));
      await done();
    } catch (err) {
      showProblems(box, msg, err, reload);
    }
  };
  if (status === 'available') box.append(h('div', { class: 'buttons' }, button('parcel-reserve', 'reserve', hold('reserve'))), msg);
  if (status === 'reserved') box.append(h('div', { class: 'buttons' }, button('parcel-release', 'release', hold('release'))), msg);
  if (status !== 'leased') box.append(leaseForm(f, done, reload));
  else box.append(endForm(f, done, reload));
  return box;
}

function leaseForm(f, done, reload) {
  const msg = h('p', { id: 'lease-msg', role: 'status' });
  const input = (name, attrs = {}) => h('input', { id: 'lease-' + name.replace('_', '-'), name, ...attrs });
  const start = today();
  const end = `${Number(start.slice(0, 4)) + 50}${start.slice(4)}`;
  const form = h('form', { id: 'lease-form', class: 'edit' },
    h('h4', {}, t('leaseTitle')),
    field(t('lessee'), input('lessee', { required: true })),
    h('div', { class: 'grid2' },
      field(t('country'), input('country', { placeholder: 'VN', maxlength: 2, size: 3 })),
      field(t('sector'), input('sector')),
      field(t('start'), input('start', { type: 'date', value: start })),
      field(t('end'), input('end', { type: 'date', value: end })),
      field(t('capital'), input('capital_usd', { type: 'number', min: 0, step: 1 })),
      field(t('workers'), input('workers', { type: 'number', min: 0, step: 1 }))),
    field(t('contact'), input('contact')),
    h('button', { type: 'submit', class: 'primary', id: 'lease-save' }, t('leaseSave')), msg);
  form.addEventListener('submit', submitting(form, msg, async () => {
    const v = (name) => form.elements[name].value.trim();
    const body = { lessee: v('lessee'), country: v('country'), sector: v('sector'), start: v('start'), end: v('end') };
    if (v('capital_usd') !== '') body.capital_usd = Number(v('capital_usd'));
    if (v('workers') !== '') body.workers = Number(v('workers'));
    if (v('contact') !== '') body.contact = v('contact');
    const l = await send('POST', `/parcels/${f.id}/leases`, body, ifMatch(f));
    await done();
    document.body.dataset.leased = String(l.id);
  }, reload));
  return form;
}

// endForm ends the lease in force (found in the parcel's lease history).
function endForm(f, done, reload) {
  const msg = h('p', { id: 'end-msg', role: 'status' });
  const on = h('input', { id: 'end-on', name: 'ended_on', type: 'date', value: today() });
  const form = h('form', { id: 'end-form', class: 'edit' },
    h('h4', {}, t('endTitle')), h('p', { class: 'lessee', id: 'end-lessee' }, t('loading')),
    field(t('endedOn'), on),
    h('button', { type: 'submit', class: 'primary', id: 'end-save', disabled: true }, t('endSave')), msg);
  let lease = null;
  getJSON(`/parcels/${f.id}/leases`, { withKey: true }).then((doc) => {
    lease = doc.leases.find((l) => l.in_force && l.parcel_id === f.id) || null;
    form.querySelector('#end-lessee').textContent = lease ? `${lease.lessee} (${lease.start} → ${lease.end})` : t('noLeaseInForce');
    form.querySelector('#end-save').disabled = !lease;
  }, (err) => showProblems(form, msg, err, reload));
  form.addEventListener('submit', submitting(form, msg, async () => {
    await send('POST', `/leases/${lease.id}/end`, { ended_on: on.value });
    await done();
    document.body.dataset.leaseEnded = String(lease.id);
  }, reload));
  return form;
}

function deleteTools(f, reload) {
  const msg = h('p', { id: 'delete-msg', role: 'status' });
  const box = h('div', { class: 'tool' });
  const confirm = button('parcel-delete-confirm', 'deleteConfirm', async () => {
    clearProblems(box, msg);
    msg.textContent = t('saving');
    try {
      await send('DELETE', `/collections/parcels/items/${f.id}`, null, ifMatch(f));
      refreshTiles();
      document.body.dataset.deleted = String(f.id);
      msg.textContent = t('deleted');
      box.closest('#parcel-tools')?.replaceChildren(msg); // nothing left to edit
    } catch (err) {
      showProblems(box, msg, err, reload);
    }
  }, 'danger');
  confirm.hidden = true;
  const ask = button('parcel-delete', 'deleteParcel', () => {
    confirm.hidden = false;
    ask.hidden = true;
  });
  box.append(ask, confirm, msg);
  return box;
}
