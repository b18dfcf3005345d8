// Flowgate's REST API with the browser session: cookies are sent by the browser, changes carry the
// XSRF-TOKEN cookie's value as X-XSRF-TOKEN, and errors arrive as problem+json.

const BASE = '/api/v1';

/** An answer other than 2xx, with the problem's detail as message. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

let onUnauthorized = () => {};

/** Called when a request answers 401 (the session ended): the app shows the sign-in form. */
export function whenSignedOut(callback) {
  onUnauthorized = callback;
}

function xsrfToken() {
  const match = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
  return match ? decodeURIComponent(match.slice('XSRF-TOKEN='.length)) : null;
}

/** A request to the API; resolves to the parsed JSON (or null for 204). */
export async function request(method, path, body) {
  const headers = { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') {
    const token = xsrfToken();
    if (token) headers['X-XSRF-TOKEN'] = token;
  }
  const response = await fetch(BASE + path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json() : null;
  if (!response.ok) {
    if (response.status === 401 && path !== '/session') onUnauthorized();
    throw new ApiError(response.status, data);
  }
  return data;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body === undefined ? {} : body);
export const put = (path, body) => request('PUT', path, body);
export const del = (path) => request('DELETE', path);

/** A query string of the given, non-empty parameters. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const id = encodeURIComponent;
