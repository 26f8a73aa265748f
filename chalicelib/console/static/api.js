// The API client: every datum of the web apps (console, technician's app) comes through here, with the
// signed-in user's bearer token. The token lives in sessionStorage (this tab only; the technician's app, which
// says `keep: device`, in localStorage: it reopens signed in, offline too), never in a cookie the API would read.
export const config = JSON.parse(document.querySelector('meta[name="onmyway-config"]').content);
const KEY = `onmyway.${config.app}.token`;
const kept = config.keep === 'device' ? localStorage : sessionStorage;
export const base = new URL('.', location.href); // /console → /, /api/console → /api/ (the stage's prefix)
let token = kept.getItem(KEY);
let onSignOut = () => {};

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    Object.assign(this, { status, code, field });
  }
}

export const signedIn = () => Boolean(token);
export function setToken(value) {
  token = value;
  kept.setItem(KEY, value);
}
export function whenSignedOut(handler) { onSignOut = handler; }
export function signOut(reason) {
  token = null;
  kept.removeItem(KEY);
  onSignOut(reason);
}

/** The token's claims (not verified here: the API does that on every call). */
export function claims() {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(part));
  } catch { return {}; }
}

/** The field a 400 names ("phone: must be …" or "appointment.window_start: …"). */
function fieldOf(message) {
  const m = /^([a-z_][\w.-]*): (.*)$/s.exec(message || ''); // a key may name a place: quiet_hours_by_region.US-FL
  return m ? [m[1], m[2]] : [null, message];
}

export async function api(method, path, body, { ifMatch, auth = true, headers: more } = {}) {
  const headers = { ...more };
  if (auth && token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (ifMatch !== undefined && ifMatch !== null) headers['If-Match'] = String(ifMatch);
  let response;
  try {
    response = await fetch(new URL(path.replace(/^\//, ''), base), {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Check the connection and try again.');
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 401 && auth) {
    signOut((data && data.error && data.error.message) === 'this user is deactivated'
      ? 'Your account has been deactivated: you are signed out.'
      : 'Your session has ended: please sign in again.');
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    const [field, text] = error.code === 'validation_error' ? fieldOf(error.message) : [null, error.message];
    throw new ApiError(response.status, error.code || 'error',
      text || `The server answered ${response.status}. Please try again.`, field);
  }
  return data;
}

/** Every page of a list (a day's users, a job's notes): small lists, followed to their end. */
export async function all(path) {
  const items = [];
  let next = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api('GET', next ? `${path}${sep}next_token=${encodeURIComponent(next)}` : path);
    items.push(...page.items);
    next = page.next_token;
  } while (next);
  return items;
}
