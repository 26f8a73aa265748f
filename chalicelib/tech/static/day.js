// My day: the visits in route order, each with its window, the customer's first name, the address and status;
// above them what is unread in my inbox (the office's messages and the customers'), each with the way to its visit.
import { api } from './api.js';
import { html, STATUS, Loading, Problem, time, dayLong, dayTime, addDays, announce, useEffect, useState } from './ui.js';
import { colleague } from './staff.js';

export const firstName = (name) => (name || '').trim().split(/\s+/)[0];

/** The unread inbox, kept by the app rather than the day's screen: read again each time the day is shown, and
 * meanwhile shown as last read, so the visits below it do not move under a finger when the answer comes. */
export function useInbox(showing) {
  const [items, setItems] = useState([]);
  const load = () => api('GET', '/inbox?limit=20').then((p) => setItems(p.items.filter((i) => !i.read)), () => {});
  useEffect(() => { if (showing) load(); }, [showing]);
  const read = (i) => api('POST', `/inbox/${i.id}/read`).then(load, (e) => announce(`Not saved: ${e.message}`));
  return { items, read };
}

function Inbox({ day, inbox: { items, read } }) {
  if (items.length === 0) return null;
  return html`<section aria-labelledby="h-inbox"><h2 id="h-inbox">New messages (${items.length})</h2><ul class="staff">
    ${items.map((i) => { const v = day.items.find((x) => x.job_id === i.job_id); return html`<li key=${i.id}>
      <strong>${i.author ? colleague(i.author) : `${firstName(i.customer_name) || 'The customer'} (customer)`}</strong>
      <span class="muted">${dayTime(i.created_at)}</span><span>${i.body}</span>
      <div class="quick">${v && html`<a class="button" href=${`#/visit/${day.date}/${v.id}`}>Open the visit</a>`}
        <button type="button" class="small" onClick=${() => read(i)}>Mark read</button></div></li>`; })}</ul></section>`;
}

export function Day({ day, error, reload, inbox }) {
  if (error && !day) return html`<h1 tabindex="-1">My day</h1><${Problem} error=${error} retry=${reload} />`;
  if (!day) return html`<h1 tabindex="-1">My day</h1><${Loading} what="your day" />`;
  return html`<h1 tabindex="-1">My day <span class="muted">${dayLong(day.date)}</span></h1>
    <nav class="day-nav" aria-label="Days">
      <a class="button" href=${`#/day/${addDays(day.date, -1)}`}>Previous day</a>
      <a class="button" href="#/">Today</a>
      <a class="button" href=${`#/day/${addDays(day.date, 1)}`}>Next day</a>
    </nav>
    <${Inbox} day=${day} inbox=${inbox} />
    ${day.items.length === 0 ? html`<p class="empty">No visits this day.</p>` : html`<ol class="stops">
      ${day.items.map((v) => html`<li key=${v.id}>
        <a class="stop" href=${`#/visit/${day.date}/${v.id}`}>
          <span class="when">${time(v.window_start)} – ${time(v.window_end)}</span>
          <span class="who">${firstName(v.customer.name)}</span>
          <span class="where">${v.customer.address || 'No address'}</span>
          <span class="what">${v.job.description}</span>
          <span class=${`status s-${v.status}`}>${STATUS[v.status] || v.status}</span>
        </a></li>`)}</ol>`}`;
}
