// Calls to the zonegis API. The app is served at <base>/app/, so the API
// is at <base>. A signed-in planner's session is an HttpOnly cookie the
// browser sends by itself; its CSRF token (from /auth/login and /auth/me)
// is kept in memory only and sent in X-CSRF-Token on every write. A
// script's API key, if one is pasted, goes as a Bearer token instead.

import { t } from './i18n.js';

const appPath = location.pathname.replace(/\/app(\/.*)?$/, '');
export const base = location.origin + appPath;

// The key lives in this tab's session storage: it goes when the tab is
// closed and is never written to disk for the next user of the browser,
// as local storage would.
// Pages before this one kept it in local storage: a key left there is
// removed, not taken over.
const keyName = 'zonegis.apiKey';
try {
  localStorage.removeItem(keyName);
} catch {
  /* storage disabled: nothing kept there either */
}

export function apiKey() {
  try {
    return sessionStorage.getItem(keyName) || '';
  } catch {
    return '';
  }
}

export function setApiKey(k) {
  try {
    if (k) sessionStorage.setItem(keyName, k);
    else sessionStorage.removeItem(keyName);
  } catch {
    /* storage disabled: the key cannot be kept */
  }
}

export class APIError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

// The signed-in person (GET /auth/me: login, display_name, roles,
// csrf_token), or null.
let session = null;

export function me() {
  return session;
}

// loadMe asks who the session cookie signs in, if any.
export async function loadMe() {
  try {
    session = await getJSON('/auth/me');
  } catch (err) {
    session = null;
    if (!(err instanceof APIError && err.status === 401)) throw err;
  }
  return session;
}

export async function signIn(login, password) {
  session = await send('POST', '/auth/login', { login, password });
  return session;
}

export async function signOut() {
  try {
    await send('POST', '/auth/logout', null);
  } finally {
    session = null;
  }
}

// get fetches a JSON document. withKey sends the API key (only where the
// answer depends on the role: a wrong key makes every route answer 401).
export async function getJSON(path, { withKey = false, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (withKey && apiKey()) headers.Authorization = 'Bearer ' + apiKey();
  const res = await fetch(base + path, { headers, signal, credentials: 'same-origin' });
  return decode(res);
}

// send makes a write (POST, PATCH, PUT, DELETE) with a JSON body: as the
// pasted key when there is one, else as the session, with its CSRF token.
export async function send(method, path, body, extra = {}) {
  const headers = { Accept: 'application/json', ...extra };
  if (body !== null) headers['Content-Type'] = 'application/json';
  if (apiKey()) headers.Authorization = 'Bearer ' + apiKey();
  else if (session?.csrf_token) headers['X-CSRF-Token'] = session.csrf_token;
  const res = await fetch(base + path, { method, headers, body: body === null ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  if (res.status === 401 && session) session = null; // the session ended
  return decode(res);
}

// errorText says what went wrong in the page's language: the network is
// down, the server failed (5xx) or is busy (503), sign in again (401), not
// allowed (403), too many tries (429, with the wait), or the server's own
// detail (a 4xx names the field to fix); never a browser's or server's raw
// message.
export function errorText(err) {
  // fetch's own failure ("Failed to fetch"): the network or the server is away.
  if (!(err instanceof APIError)) return err?.name === 'TypeError' ? t('networkError') : t('error');
  if (err.status >= 500) return err.status === 503 ? t('serverBusy') : t('serverError');
  switch (err.status) {
    case 401:
      return err.problem?.instance === '/auth/login' ? t('badLogin') : t('signInNeeded');
    case 403:
      return t('forbidden') + (err.problem?.detail ? ` (${err.problem.detail})` : '');
    case 429:
      return t('tooManyTries').replace('{s}', err.retryAfter || '60');
    default:
      return err.message;
  }
}

// postJSON posts a read with a body (an intersects query): no
// credentials needed.
export async function postJSON(path, body) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
    credentials: 'omit',
  });
  return decode(res);
}

async function decode(res) {
  let doc = null;
  try {
    doc = await res.json();
  } catch {
    doc = null;
  }
  if (!res.ok) {
    const err = new APIError(res.status, doc);
    err.retryAfter = res.headers.get('Retry-After');
    throw err;
  }
  return doc;
}

// query builds a query string from the defined, non-empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
