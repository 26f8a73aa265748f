// What every screen shares: words for statuses, times in the organization's zone, the live region, fields.
import { html, useState, useEffect, useRef } from './htm-preact-3.1.1.js';

export { html, useState, useEffect, useRef };

// Seed 004's colours, each with its name written beside it (never colour alone).
export const STATUS = {
  new_offer: 'New offer', unscheduled: 'Unscheduled', scheduled: 'Scheduled', en_route: 'En route',
  started: 'Started', in_progress: 'In progress', paused: 'Paused', complete: 'Complete', canceled: 'Canceled',
};
export const ACTIONS = { en_route: 'On my way (en route)', start: 'Start', pause: 'Pause', complete: 'Complete',
  delay: 'Delay (new ETA)' };
export const CONFIRMATION = { pending: 'Confirmation pending', confirmed: 'Confirmed', rejected: 'Rejected',
  unconfirmed: 'Unconfirmed' };
export const QUEUES = { unassigned: 'Unassigned', escalation: 'Escalation', retention: 'Retention',
  callback: 'Callback', intake: 'Intake' };

/** The colour family of a visit: the job's status, or the visit's own while the job is under way. */
export function tone(jobStatus, appointmentStatus) {
  if (jobStatus === 'new_offer' || jobStatus === 'unscheduled') return jobStatus;
  return { en_route: 'in_progress', started: 'in_progress' }[appointmentStatus] || appointmentStatus || jobStatus;
}

let zone = 'UTC';
export const setZone = (z) => { zone = z; };
export const getZone = () => zone;
const formats = {};
function fmt(options) {
  const key = zone + JSON.stringify(options);
  formats[key] = formats[key] || new Intl.DateTimeFormat('en-US', { timeZone: zone, ...options });
  return formats[key];
}
export const time = (iso) => (iso ? fmt({ hour: 'numeric', minute: '2-digit' }).format(new Date(iso)) : '');
export const dayTime = (iso) => (iso ? fmt({ weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric',
  minute: '2-digit' }).format(new Date(iso)) : '');
export const window_ = (a) => `${dayTime(a.window_start)} – ${time(a.window_end)}`;
export function dayLong(day) {
  const [y, m, d] = day.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'long', month: 'long', day: 'numeric',
    year: 'numeric' }).format(Date.UTC(y, m - 1, d));
}
/** Hours and minutes of a moment in the organization's zone, as a number of hours (9.5 = 9:30). */
export function hourOf(iso) {
  const parts = fmt({ hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const get = (t) => Number(parts.find((p) => p.type === t).value);
  return get('hour') + get('minute') / 60;
}
/** A day plus n days, as YYYY-MM-DD. */
export function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}
/** A wall-clock time in the organization's zone as an instant (ISO, UTC). */
export function zonedToIso(day, hhmm) {
  const [y, mo, d] = day.split('-').map(Number);
  const [h, mi] = hhmm.split(':').map(Number);
  let guess = Date.UTC(y, mo - 1, d, h, mi);
  for (let i = 0; i < 2; i += 1) { // correct by the zone's offset at the guess (twice: across a DST change)
    const shown = hourOf(new Date(guess).toISOString());
    const want = h + mi / 60;
    let diff = shown - want;
    if (diff > 12) diff -= 24;
    if (diff < -12) diff += 24;
    guess -= diff * 3600e3;
  }
  return new Date(guess).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Status messages for screen readers and sighted users alike (WCAG 4.1.3). */
export function announce(text) {
  const region = document.getElementById('announce');
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 50);
  const toast = document.getElementById('toast');
  if (toast) {
    toast.textContent = text;
    clearTimeout(announce.timer);
    announce.timer = setTimeout(() => { toast.textContent = ''; }, 8000);
  }
}

export function Loading({ what }) {
  return html`<p class="loading" aria-busy="true">Loading ${what}…</p>`;
}

export function Problem({ error, retry }) {
  if (!error) return null;
  return html`<div class="problem" role="alert"><p>${error.message}</p>
    ${retry && html`<button type="button" onClick=${retry}>Try again</button>`}</div>`;
}

/** A labelled input; the API's message for this field shown beside it, tied by aria-describedby. */
export function Field({ label, name, error, type = 'text', value, onInput, required, hint, ...rest }) {
  const id = `f-${name}`;
  const bad = error && error.field === name;
  const described = [hint && `${id}-hint`, bad && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const Tag = type === 'textarea' ? 'textarea' : 'input';
  return html`<div class="field">
    <label for=${id}>${label}${required ? html` <span aria-hidden="true">*</span>` : ''}</label>
    ${hint && html`<span class="hint" id=${`${id}-hint`}>${hint}</span>`}
    <${Tag} id=${id} name=${name} type=${Tag === 'input' ? type : undefined} value=${value}
      onInput=${(e) => onInput(e.target.value)} required=${required} aria-invalid=${bad ? 'true' : undefined}
      aria-describedby=${described} ...${rest} />
    ${bad && html`<span class="field-error" id=${`${id}-error`}>${error.message}</span>`}
  </div>`;
}

/** A form's error that names no field of it, in words. */
export function FormError({ error, fields = [] }) {
  if (!error || fields.includes(error.field)) return null;
  return html`<p class="problem" role="alert">${error.field ? `${error.field}: ` : ''}${error.message}</p>`;
}

/** Run a save: busy while it runs, the API's error kept for the form (what was typed stays). */
export function useSave() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function run(work, done) {
    setBusy(true);
    setError(null);
    try {
      const result = await work();
      if (done) announce(done);
      return result;
    } catch (e) {
      setError(e);
      if (e.status !== 401) announce(`Not saved: ${e.message}`);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run, setError };
}
