// Work lists: the queues (oldest waiting first, claim / release / resolve with the API's outcomes), the
// inbox (unread first, mark read, open the job) and the new offers (accept / decline).
import { api, claims } from './api.js';
import { nameOf, team } from './team.js';
import { colleague } from './staff.js';
import {
  CONFIRMATION, Field, FormError, Loading, Problem, QUEUES, dayTime, html, time, useEffect, useSave,
  useState, window_, zonedToIso,
} from './ui.js';

const OUTCOMES = { confirmed: 'Confirmed', rejected: 'Rejected (say why)', reschedule: 'Reschedule (new window)',
  no_answer: 'No answer', done: 'Done' };
// What each queue's work can end in (the API refuses an outcome that needs a visit on an entry without one).
const QUEUE_OUTCOMES = {
  escalation: ['confirmed', 'rejected', 'reschedule', 'no_answer'],
  retention: ['confirmed', 'rejected', 'reschedule', 'done'],
  callback: ['reschedule', 'no_answer', 'done'],
  unassigned: ['done'],
  intake: ['done'],
};

function useList(load, deps) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const run = () => load().then((v) => { setItems(v); setError(null); }, setError);
  useEffect(() => { setItems(null); run(); }, deps);
  return [items, error, run];
}

function Resolve({ name, entry, done }) {
  const choices = QUEUE_OUTCOMES[name];
  const [f, setF] = useState({ outcome: choices[0], note: '', reason: '', day: '', start: '', end: '' });
  const save = useSave();
  const set = (k) => (v) => setF({ ...f, [k]: v });
  async function submit(e) {
    e.preventDefault();
    const body = { outcome: f.outcome, ...(f.note ? { note: f.note } : {}) };
    if (f.outcome === 'rejected') body.reason = f.reason;
    if (f.outcome === 'reschedule' && f.day && f.start && f.end) {
      body.window_start = zonedToIso(f.day, f.start);
      body.window_end = zonedToIso(f.day, f.end);
    }
    const ok = await save.run(() => api('POST', `/queues/${name}/${entry.id}/resolve`, body),
      `Resolved: ${OUTCOMES[f.outcome].split(' (')[0].toLowerCase()}.`);
    if (ok !== undefined) done();
  }
  return html`<form class="panel" novalidate onSubmit=${submit} aria-label="Resolve">
    <fieldset><legend>Outcome</legend>${choices.map((o) => html`<label class="choice" key=${o}>
      <input type="radio" name=${`outcome-${entry.id}`} value=${o} checked=${f.outcome === o}
        onChange=${() => set('outcome')(o)} /> ${OUTCOMES[o]}</label>`)}</fieldset>
    ${f.outcome === 'rejected' && html`<${Field} label="Why did the customer say no?" name="reason" value=${f.reason}
      onInput=${set('reason')} error=${save.error} />`}
    ${f.outcome === 'reschedule' && html`<div class="row">
      <${Field} label="Day" name="day" type="date" value=${f.day} onInput=${set('day')} />
      <${Field} label="From" name="window_start" type="time" value=${f.start} onInput=${set('start')} error=${save.error} />
      <${Field} label="To" name="window_end" type="time" value=${f.end} onInput=${set('end')} error=${save.error} /></div>`}
    <${Field} label="Note (optional)" name="note" value=${f.note} onInput=${set('note')} error=${save.error} />
    <${FormError} error=${save.error} fields=${['reason', 'window_start', 'window_end', 'note']} />
    <button type="submit" class="primary" disabled=${save.busy}>Resolve</button></form>`;
}

function Entry({ name, entry, users, reload }) {
  const [resolving, setResolving] = useState(false);
  const save = useSave();
  const me = claims().sub;
  const mine = entry.claimed_by === me;
  const step = (verb, said) => save.run(() => api('POST', `/queues/${name}/${entry.id}/${verb}`), said)
    .then((r) => r !== undefined && reload());
  const a = entry.appointment;
  return html`<li class="entry">
    <p><strong>${entry.reason}</strong></p>
    <p class="muted">Waiting since ${dayTime(entry.created_at)}${a ? html` · visit ${window_(a)} · ${CONFIRMATION[a.confirmation]}` : ''}</p>
    <p>${entry.state === 'claimed' ? (mine ? 'Claimed by you' : `Claimed by ${nameOf(users, entry.claimed_by)}`) : 'Open'}</p>
    <div class="actions">
      ${entry.job_id && html`<a class="button" href=${`#/job/${entry.job_id}`}>Open job</a>`}
      ${entry.state === 'open' && html`<button type="button" disabled=${save.busy}
        onClick=${() => step('claim', 'Claimed: it is yours to work.')}>Claim</button>`}
      ${mine && html`<button type="button" disabled=${save.busy}
        onClick=${() => step('release', 'Released back to the queue.')}>Release</button>
        <button type="button" aria-expanded=${resolving} onClick=${() => setResolving(!resolving)}>Resolve…</button>`}
    </div>
    <${FormError} error=${save.error} />
    ${resolving && mine && html`<${Resolve} name=${name} entry=${entry} done=${() => { setResolving(false); reload(); }} />`}
  </li>`;
}

export function Queue({ name, changed }) {
  const [data, error, load] = useList(async () => {
    const [page, users] = await Promise.all([api('GET', `/queues/${name}?limit=100`), team()]);
    return { items: page.items, more: Boolean(page.next_token), users };
  }, [name]);
  const reload = () => { load(); changed(); };
  const title = `${QUEUES[name]} queue`;
  if (error && !data) return html`<h1 tabindex="-1">${title}</h1><${Problem} error=${error} retry=${load} />`;
  if (!data) return html`<h1 tabindex="-1">${title}</h1><${Loading} what="the queue" />`;
  return html`<h1 tabindex="-1">${title}</h1>
    <p class="muted">${data.items.length}${data.more ? '+' : ''} to work, ${name === 'unassigned' ? 'soonest visit' : 'oldest waiting'} first.</p>
    ${data.items.length === 0 ? html`<p>Nothing waiting.</p>` : html`<ol class="entries">
      ${data.items.map((e) => html`<${Entry} key=${e.id} name=${name} entry=${e} users=${data.users} reload=${reload} />`)}</ol>`}`;
}

export function Inbox({ changed }) {
  const [items, error, load] = useList(() => api('GET', '/inbox?limit=100').then((p) => p.items), []);
  const save = useSave();
  const read = (item) => save.run(() => api('POST', `/inbox/${item.id}/read`), 'Marked read.')
    .then((r) => { if (r !== undefined) { load(); changed(); } });
  if (error && !items) return html`<h1 tabindex="-1">Inbox</h1><${Problem} error=${error} retry=${load} />`;
  if (!items) return html`<h1 tabindex="-1">Inbox</h1><${Loading} what="the inbox" />`;
  return html`<h1 tabindex="-1">Inbox</h1><p class="muted">What customers and colleagues wrote, unread first.</p>
    <${FormError} error=${save.error} />
    ${items.length === 0 ? html`<p>No messages.</p>` : html`<ol class="entries">${items.map((i) => html`<li key=${i.id}
      class=${`entry ${i.read ? 'read' : 'unread'}`}>
      <p>${i.author ? html`<strong>From ${colleague(i.author)}</strong> <span class="tag private">Staff message</span>
        <span class="muted"> about ${i.customer_name || 'a customer'}'s job</span>`
        : html`<strong>${i.customer_name || 'Customer'}</strong> <span class="muted">${i.customer_phone_masked || ''}</span>`}
        ${i.read ? ' · Read' : html` · <span class="tag">Unread</span>`}</p>
      <p class="message">${i.body}</p><p class="muted">${dayTime(i.created_at)}</p>
      <div class="actions"><a class="button" href=${`#/job/${i.job_id}`}>Open job to answer</a>
        ${!i.read && html`<button type="button" disabled=${save.busy} onClick=${() => read(i)}>Mark read</button>`}</div>
    </li>`)}</ol>`}`;
}

export function Offers({ changed }) {
  const [items, error, load] = useList(() => api('GET', '/jobs?status=new_offer&limit=100').then((p) => p.items), []);
  const save = useSave();
  const decide = (job, verb) => save.run(() => api('POST', `/jobs/${job.id}/${verb}`, undefined, { ifMatch: job.version }),
    verb === 'accept' ? `Accepted “${job.description}”: book its visit from the job.` : `Declined “${job.description}”.`)
    .then((r) => { if (r !== undefined) { load(); changed(); } });
  if (error && !items) return html`<h1 tabindex="-1">New offers</h1><${Problem} error=${error} retry=${load} />`;
  if (!items) return html`<h1 tabindex="-1">New offers</h1><${Loading} what="the offers" />`;
  return html`<h1 tabindex="-1">New offers</h1>
    <p class="muted">Jobs offered by providers and requests from the booking page.</p><${FormError} error=${save.error} />
    ${items.length === 0 ? html`<p>No new offers.</p>` : html`<ol class="entries">${items.map((j) => html`<li key=${j.id} class="entry">
      <p><strong>${j.description}</strong> <span class="tag">New offer</span></p>
      <p class="muted">${j.channel} · received ${dayTime(j.created_at)}${j.offered_window ? ` · asks for ${dayTime(j.offered_window.start)}–${time(j.offered_window.end)}` : ''}</p>
      <div class="actions"><a class="button" href=${`#/job/${j.id}`}>Open job</a>
        <button type="button" disabled=${save.busy} onClick=${() => decide(j, 'accept')}>Accept</button>
        <button type="button" disabled=${save.busy} onClick=${() => decide(j, 'decline')}>Decline</button></div></li>`)}</ol>`}`;
}
