// Calls to the zonegis API. The app is served at <base>/app/, so the API
// is at <base>; the API key, if any, goes as a Bearer token.

const appPath = location.pathname.replace(/\/app(\/.*)?$/, '');
export const base = location.origin + appPath;

export function apiKey() {
  return localStorage.getItem('zonegis.apiKey') || '';
}

export function setApiKey(k) {
  if (k) localStorage.setItem('zonegis.apiKey', k);
  else localStorage.removeItem('zonegis.apiKey');
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
