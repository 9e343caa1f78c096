// Calls to the zonegis API. The app is served at <base>/app/, so the API
// is at <base>; the API key, if any, goes as a Bearer token.

const appPath = location.pathname.replace(/\/app(\/.*)?$/, '');
export const base = location.origin + appPath;

// The key lives in this tab's session storage: it goes when the tab is
// closed and is never written to disk for the next user of the browser,
// as local storage would (until accounts replace keys with a session).
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

// get fetches a JSON document. withKey sends the API key (only where the
// answer depends on the role: a wrong key makes every route answer 401).
export async function getJSON(path, { withKey = false, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (withKey && apiKey()) headers.Authorization = 'Bearer ' + apiKey();
  const res = await fetch(base + path, { headers, signal });
  return decode(res);
}

export async function postJSON(path, body) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
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
  if (!res.ok) throw new APIError(res.status, doc);
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
