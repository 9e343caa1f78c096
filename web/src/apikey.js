// The API key box in the header: save or clear the key (kept by api.js)
// and say which role the page reads as.

import { apiKey, setApiKey } from './api.js';
import { $ } from './dom.js';
import { t } from './i18n.js';

export function keyControls() {
  const input = $('#key-input');
  input.value = apiKey();
  $('#key-save').addEventListener('click', () => {
    setApiKey(input.value.trim());
    renderKeyState();
  });
  $('#key-clear').addEventListener('click', () => {
    input.value = '';
    setApiKey('');
    renderKeyState();
  });
  renderKeyState();
}

export function renderKeyState() {
  $('#role').textContent = apiKey() ? t('roleSet') : t('rolePublic');
}
