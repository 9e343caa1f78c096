// The account box in the header: the sign-in form (login, password) for
// planners, who is signed in with their roles, and sign-out. The session
// is a cookie the page never sees (HttpOnly); api.js keeps its CSRF token
// in memory for writes. Scripts' API keys can still be pasted (under
// "API key"), kept in this tab's session storage only.

import { APIError, apiKey, errorText, getJSON, loadMe, me, setApiKey, signIn, signOut } from './api.js';
import { $, h } from './dom.js';
import { t } from './i18n.js';

export async function accountControls() {
  $('#login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const msg = $('#login-msg');
    msg.textContent = '';
    try {
      await signIn($('#login-name').value.trim(), $('#login-password').value);
      $('#login-password').value = '';
      $('#account-box').open = false;
    } catch (err) {
      msg.textContent = errorText(err);
    }
    renderAccount();
  });
  $('#logout').addEventListener('click', async () => {
    try {
      await signOut();
    } catch (err) {
      $('#login-msg').textContent = errorText(err);
    }
    renderAccount();
  });
  const input = $('#key-input');
  input.value = apiKey();
  $('#key-save').addEventListener('click', async () => {
    const msg = $('#login-msg');
    msg.textContent = '';
    setApiKey(input.value.trim());
    if (apiKey()) {
      // A key is set only once the server takes it: a wrong one answers 401.
      try {
        await getJSON('/boards', { withKey: true });
      } catch (err) {
        setApiKey('');
        msg.textContent = err instanceof APIError && err.status === 401 ? t('keyRefused') : errorText(err);
      }
    }
    renderAccount();
  });
  $('#key-clear').addEventListener('click', () => {
    input.value = '';
    setApiKey('');
    renderAccount();
  });
  await loadMe().catch(() => null);
  renderAccount();
}

// renderAccount shows who the page acts as: a signed-in person, a key, or
// the public.
export function renderAccount() {
  const who = me();
  $('#login-form').hidden = !!who;
  $('#signed-in').hidden = !who;
  if (who) {
    $('#who').textContent = who.display_name || who.login;
    $('#who-roles').replaceChildren(...(who.roles || []).map((r) =>
      h('li', {}, `${t('role.' + r.role)}${r.board_id ? ' · ' + r.board_id : ''}`)));
  }
  document.body.dataset.signedIn = who ? who.login : '';
  $('#role').textContent = who ? who.display_name || who.login : apiKey() ? t('roleSet') : t('rolePublic');
  document.dispatchEvent(new Event('zonegis:account')); // who may edit changed (parcelforms.js, draw.js)
}
