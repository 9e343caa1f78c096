// DOM helpers: elements without HTML strings, the page's one query
// shorthand, and a table of labelled values.

// h makes an element: h('div', {class: 'x', onclick: fn}, child, 'text').
// Text goes in as text nodes, never as HTML. Styles go in through the
// CSSOM (el.style), which the page's Content-Security-Policy allows; a
// style attribute would be refused (style-src has no 'unsafe-inline').
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') el.style.cssText = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export const $ = (sel) => document.querySelector(sel);

// rows is a table of [label, value] pairs, leaving out empty values.
export function rows(pairs) {
  return h('table', { class: 'props' },
    pairs.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, v))));
}
