// The keyboard: in a list of results (search, available land) the arrow
// keys move between the results (Home and End to the first and last), and
// from the search box ArrowDown enters the list; Enter opens a result (it
// is a button) and the details panel takes the focus; Escape closes the
// details (focus back to the result that opened them) or stops picking a
// point on the map.

import { closeDetails } from './details.js';
import { $ } from './dom.js';
import { state } from './state.js';

let opener = null; // the result whose details are open

export function keyboard() {
  document.addEventListener('click', (e) => {
    const r = e.target.closest?.('button.result');
    if (r) opener = r;
  }, true);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      if (state.pickingSite) {
        state.pickingSite = false;
        document.body.classList.remove('picking');
      } else if (!$('#details').hidden) {
        closeDetails();
        if (opener?.isConnected) opener.focus();
      } else return;
      e.preventDefault();
      return;
    }
    const el = e.target;
    if (el?.id === 'search-input' && e.key === 'ArrowDown') {
      $('#search-results button.result')?.focus();
      e.preventDefault();
      return;
    }
    if (!el?.matches?.('button.result')) return;
    const all = [...el.closest('ul').querySelectorAll('button.result')];
    const i = all.indexOf(el);
    const to = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: all.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    all[Math.max(0, Math.min(all.length - 1, to))].focus();
  });
}
