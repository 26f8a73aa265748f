// My day: the visits in route order, each with its window, the customer's first name, the address and status.
import { html, STATUS, Loading, Problem, time, dayLong, addDays } from './ui.js';

export const firstName = (name) => (name || '').trim().split(/\s+/)[0];

export function Day({ day, error, reload }) {
  if (error && !day) return html`<h1 tabindex="-1">My day</h1><${Problem} error=${error} retry=${reload} />`;
  if (!day) return html`<h1 tabindex="-1">My day</h1><${Loading} what="your day" />`;
  return html`<h1 tabindex="-1">My day <span class="muted">${dayLong(day.date)}</span></h1>
    <nav class="day-nav" aria-label="Days">
      <a class="button" href=${`#/day/${addDays(day.date, -1)}`}>Previous day</a>
      <a class="button" href="#/">Today</a>
      <a class="button" href=${`#/day/${addDays(day.date, 1)}`}>Next day</a>
    </nav>
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
