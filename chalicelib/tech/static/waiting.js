// What the technician did without a signal: kept on the phone (localStorage) and sent in order when the
// signal returns, each with its own Idempotency-Key, so that a resend after a lost answer applies nothing twice.
import { api } from './api.js';

const KEY = 'onmyway.tech.waiting';
let items = JSON.parse(localStorage.getItem(KEY) || '[]');
let sending = null;
const listeners = new Set();
const changed = () => {
  localStorage.setItem(KEY, JSON.stringify(items));
  listeners.forEach((f) => f(items));
};

export const waiting = () => items;
export function onChange(listener) { listeners.add(listener); return () => listeners.delete(listener); }

/** Send what waits, oldest first; stop at the first that finds no signal. A refusal (4xx) is dropped. */
export function flush() {
  if (!sending) sending = sendAll().finally(() => { sending = null; });
  return sending;
}

async function sendAll() {
  let refused = null;
  while (items.length) {
    const [item] = items;
    try {
      await api(item.method, item.path, item.body, { headers: { 'Idempotency-Key': item.key } });
    } catch (e) {
      if (e.status === 0) break; // still no signal: try again when it returns
      refused = e;
    }
    items = items.slice(1);
    changed();
  }
  if (refused) throw refused;
}

/** Send now, or keep it for later when there is no signal: {queued: true}. Errors of the API are thrown. */
export async function send(method, path, body, label) {
  items = [...items, { key: crypto.randomUUID(), method, path, body, label }];
  changed();
  await flush();
  return items.length ? { queued: true } : { queued: false };
}

window.addEventListener('online', () => { flush().catch(() => {}); });
