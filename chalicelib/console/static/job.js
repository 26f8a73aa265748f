// The job: its customer, its visits with only the actions the status machine allows now (the API says
// which), reschedule through the customer's time-frame preview, the time-frame link, cancel as ops with the
// coupon, internal notes, the job's people (contacts.js), the conversation with each message's sender or recipient by
// name and a reply box that sends to the recipients chosen, and messages to the technician.
import { all, api } from './api.js';
import { People } from './contacts.js';
import { SendTo, names, party, ticked, told } from './recipients.js';
import { nameOf, team, technicians } from './team.js';
import { StaffMessages } from './staff.js';
import {
  ACTIONS, CONFIRMATION, STATUS, Field, FormError, Loading, Problem, dayTime, html, time, tone,
  useEffect, useSave, useState, window_, zonedToIso, getZone,
} from './ui.js';

const QUICK = { checked_in: 'Checked in', request_approval: 'Request approval', asset_ready: 'Asset ready',
  asset_in_service: 'Asset in service' };
const ACCESS = { gate_code: 'Gate code', pets: 'Pets', parking: 'Parking', other: 'Anything else' };
const COUPON_RULE = 'Seed 001: when ops cancels, offer 15% off a future visit by coupon code, unless the job '
  + 'already has a discount. The code goes to the customer in the cancellation text.';

function Reschedule({ visit, done }) {
  const [offers, setOffers] = useState(null);
  const [error, setError] = useState(null);
  const [picked, setPicked] = useState('');
  const save = useSave();
  useEffect(() => { api('GET', `/appointments/${visit.id}/offers`).then(setOffers, setError); }, [visit.id]);
  if (error) return html`<${Problem} error=${error} />`;
  if (!offers) return html`<${Loading} what="the customer's time frames" />`;
  async function book(e) {
    e.preventDefault();
    const frame = offers.frames.find((f) => f.start === picked);
    if (!frame) { save.setError({ message: 'Choose the time frame the customer agreed on.' }); return; }
    const ok = await save.run(() => api('PATCH', `/appointments/${visit.id}`,
      { window_start: frame.start, window_end: frame.end }, { ifMatch: visit.version }),
    `Rescheduled to ${dayTime(frame.start)}–${time(frame.end)}.`);
    if (ok !== undefined) done();
  }
  return html`<form class="panel" novalidate onSubmit=${book}>
    <fieldset><legend>The customer's time frames (as their link shows them, soonest first)</legend>
      ${offers.frames.length === 0 && html`<p>No time frame is free: set the window by hand below.</p>`}
      ${offers.frames.map((f) => html`<label class="choice" key=${f.start}>
        <input type="radio" name=${`frame-${visit.id}`} value=${f.start} checked=${picked === f.start}
          onChange=${() => setPicked(f.start)} /> ${dayTime(f.start)} – ${time(f.end)}</label>`)}
    </fieldset>
    <${FormError} error=${save.error} />
    <button type="submit" class="primary" disabled=${save.busy}>${save.busy ? 'Booking…' : 'Book this time for the customer'}</button>
  </form>`;
}

function Delay({ visit, done }) {
  const [eta, setEta] = useState('');
  const save = useSave();
  async function submit(e) {
    e.preventDefault();
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: getZone() }).format(new Date(visit.window_start));
    const ok = await save.run(() => api('POST', `/appointments/${visit.id}/status`,
      { action: 'delay', eta: eta ? zonedToIso(day, eta) : null }, { ifMatch: visit.version }), 'The new ETA is saved.');
    if (ok !== undefined) done();
  }
  return html`<form class="inline" novalidate onSubmit=${submit}>
    <${Field} label="New ETA" name="eta" type="time" value=${eta} onInput=${setEta} error=${save.error} required />
    <button type="submit" disabled=${save.busy}>Save ETA</button><${FormError} error=${save.error} fields=${['eta']} /></form>`;
}

function Visit({ visit, users, reload }) {
  const [open, setOpen] = useState(null); // 'reschedule' | 'delay' | null
  const [tech, setTech] = useState(visit.technician_id || '');
  const save = useSave();
  const done = () => { setOpen(null); reload(); };
  const act = (action) => save.run(() => api('POST', `/appointments/${visit.id}/status`, { action },
    { ifMatch: visit.version }), `${ACTIONS[action]}: saved.`).then((r) => r !== undefined && reload());
  const assign = (e) => {
    e.preventDefault();
    save.run(() => api('PATCH', `/appointments/${visit.id}`, { technician_id: tech || null }, { ifMatch: visit.version }),
      tech ? `Assigned to ${nameOf(users, tech)}.` : 'Unassigned.').then((r) => r !== undefined && reload());
  };
  const link = () => save.run(() => api('POST', `/appointments/${visit.id}/send-time-frames`),
    'The time-frame link is on its way to the customer.').then((r) => r !== undefined && reload());
  return html`<article class=${`visit-card tone-${tone(null, visit.status)}`} aria-label=${`Visit ${window_(visit)}`}>
    <h3>${window_(visit)}</h3>
    <p><span class="status">${STATUS[visit.status]}</span> · ${CONFIRMATION[visit.confirmation]}
      ${visit.eta ? ` · ETA ${time(visit.eta)}` : ''}${visit.late ? html` · <span class="late">Late</span>` : ''}</p>
    <p>Technician: ${visit.technician_id ? nameOf(users, visit.technician_id) : 'not assigned'}</p>
    ${visit.status_reason && html`<p class="muted">Reason: ${visit.status_reason}</p>`}
    ${visit.access_notes && html`<p class="access">The customer's access notes: ${Object.entries(ACCESS)
      .filter(([k]) => visit.access_notes[k]).map(([k, label]) => `${label}: ${visit.access_notes[k]}`).join(' · ')}</p>`}
    <div class="actions">
      ${visit.actions.filter((a) => a !== 'delay').map((a) => html`<button type="button" key=${a}
        disabled=${save.busy} onClick=${() => act(a)}>${ACTIONS[a]}</button>`)}
      ${visit.actions.includes('delay') && html`<button type="button" aria-expanded=${open === 'delay'}
        onClick=${() => setOpen(open === 'delay' ? null : 'delay')}>${ACTIONS.delay}</button>`}
      ${visit.editable && html`<button type="button" aria-expanded=${open === 'reschedule'}
        onClick=${() => setOpen(open === 'reschedule' ? null : 'reschedule')}>Reschedule (time-frame preview)</button>
        <button type="button" disabled=${save.busy} onClick=${link}>Send time-frame link</button>`}
    </div>
    ${visit.editable && html`<form class="inline" novalidate onSubmit=${assign}>
      <label for=${`tech-${visit.id}`}>Technician</label>
      <select id=${`tech-${visit.id}`} value=${tech} onChange=${(e) => setTech(e.target.value)}>
        <option value="">Not assigned</option>
        ${technicians(users).map((t) => html`<option value=${t.id} key=${t.id}>${t.name}</option>`)}
      </select><button type="submit" disabled=${save.busy}>Save technician</button></form>`}
    <${FormError} error=${save.error} />
    ${open === 'delay' && html`<${Delay} visit=${visit} done=${done} />`}
    ${open === 'reschedule' && html`<${Reschedule} visit=${visit} done=${done} />`}
  </article>`;
}

function AddVisit({ job, users, reload }) {
  const [f, setF] = useState({ day: '', start: '', end: '', technician_id: '' });
  const save = useSave();
  const set = (k) => (v) => setF({ ...f, [k]: v });
  async function submit(e) {
    e.preventDefault();
    if (!f.day || !f.start || !f.end) { save.setError({ field: 'window_start', message: 'Give the day, the start and the end.' }); return; }
    const body = { window_start: zonedToIso(f.day, f.start), window_end: zonedToIso(f.day, f.end),
      technician_id: f.technician_id || null };
    const ok = await save.run(() => api('POST', `/jobs/${job.id}/appointments`, body, { ifMatch: job.version }),
      'The visit is booked.');
    if (ok !== undefined) reload();
  }
  return html`<form class="panel" novalidate onSubmit=${submit}><h3>Book a visit</h3>
    <div class="row">
      <${Field} label="Day" name="day" type="date" value=${f.day} onInput=${set('day')} required />
      <${Field} label="From" name="window_start" type="time" value=${f.start} onInput=${set('start')} error=${save.error} required />
      <${Field} label="To" name="window_end" type="time" value=${f.end} onInput=${set('end')} error=${save.error} required />
      <div class="field"><label for="new-tech">Technician</label>
        <select id="new-tech" value=${f.technician_id} onChange=${(e) => set('technician_id')(e.target.value)}>
          <option value="">Not assigned</option>
          ${technicians(users).map((t) => html`<option value=${t.id} key=${t.id}>${t.name}</option>`)}
        </select></div>
    </div>
    <${FormError} error=${save.error} fields=${['window_start', 'window_end']} />
    <button type="submit" class="primary" disabled=${save.busy}>Book visit</button></form>`;
}

function Cancel({ job, reload }) {
  const [reason, setReason] = useState('');
  const [coupon, setCoupon] = useState(!job.coupon);
  const save = useSave();
  async function submit(e) {
    e.preventDefault();
    const ok = await save.run(() => api('POST', `/jobs/${job.id}/cancel`, { reason, offer_coupon: coupon },
      { ifMatch: job.version }), coupon ? 'The job is canceled; the customer gets the coupon code.' : 'The job is canceled.');
    if (ok !== undefined) reload();
  }
  return html`<form class="panel danger" novalidate onSubmit=${submit}><h2>Cancel as ops</h2>
    <${Field} label="Why is it canceled?" name="reason" value=${reason} onInput=${setReason} error=${save.error} required />
    ${job.coupon ? html`<p>This job already has a discount (${job.coupon.code}, ${job.coupon.percent}%): no new coupon.</p>`
      : html`<label class="choice"><input type="checkbox" checked=${coupon} onChange=${(e) => setCoupon(e.target.checked)} />
        Offer the 15% coupon</label>`}
    <p class="hint">${COUPON_RULE}</p>
    <${FormError} error=${save.error} fields=${['reason']} />
    <button type="submit" class="danger" disabled=${save.busy}>Cancel the job</button></form>`;
}

function Notes({ job, notes, users, reload }) {
  const [text, setText] = useState('');
  const [visibility, setVisibility] = useState('private');
  const save = useSave();
  async function submit(e) {
    e.preventDefault();
    const ok = await save.run(() => api('POST', `/jobs/${job.id}/notes`, { text, visibility }), 'The note is added.');
    if (ok !== undefined) { setText(''); reload(); }
  }
  return html`<section aria-labelledby="notes-h"><h2 id="notes-h">Internal notes</h2>
    <p class="hint">Customers never see notes. PUBLIC ones are shown to the job's provider; PRIVATE ones to your team only.</p>
    <ul class="notes">${notes.map((n) => html`<li key=${n.id}><span class=${`tag ${n.visibility}`}>${n.visibility.toUpperCase()}</span>
      ${n.text} <span class="muted">— ${nameOf(users, n.author_id)}, ${dayTime(n.created_at)}</span></li>`)}
      ${notes.length === 0 && html`<li class="muted">No notes yet.</li>`}</ul>
    <form novalidate onSubmit=${submit}>
      <${Field} label="New note" name="text" type="textarea" value=${text} onInput=${setText} error=${save.error} required />
      <fieldset class="inline"><legend>Who may see it</legend>
        ${['private', 'public'].map((v) => html`<label class="choice" key=${v}><input type="radio" name="visibility"
          value=${v} checked=${visibility === v} onChange=${() => setVisibility(v)} /> ${v.toUpperCase()}</label>`)}
      </fieldset>
      <${FormError} error=${save.error} fields=${['text']} />
      <button type="submit" disabled=${save.busy}>Add note</button></form></section>`;
}

function Conversation({ job, messages, people, contacts, reload }) {
  const [body, setBody] = useState('');
  const [chosen, setChosen] = useState(() => ticked(people));
  const [pick, setPick] = useState(null); // "choose at least one", at the Send to list
  const save = useSave();
  useEffect(() => { setChosen(ticked(people)); }, [people.map((c) => c.id).join()]);
  const to = people.length < 2 ? people : people.filter((c) => chosen.includes(c.id)); // no choice: the one
  const ids = to.map((c) => c.id);
  const whom = to.length === 1 && to[0].primary ? 'the customer' : names(people, ids);
  const send = (message, done) => {
    if (to.length === 0) { setPick('Choose at least one person to send to.'); return Promise.resolve(undefined); }
    setPick(null);
    return save.run(() => api('POST', `/jobs/${job.id}/messages`, { ...message, recipients: ids }), done);
  };
  async function submit(e) {
    e.preventDefault();
    const ok = await send({ body }, `The message is on its way to ${whom}.`);
    if (ok !== undefined) { setBody(''); reload(); }
  }
  const quick = (action) => send({ quick_action: action }, `${QUICK[action]}: ${told(people, ids)}.`)
    .then((ok) => ok !== undefined && reload());
  const everyone = [...contacts, ...people.filter((p) => !contacts.some((c) => c.id === p.id))];
  return html`<section aria-labelledby="conv-h"><h2 id="conv-h">Conversation with the customer</h2>
    <ol class="conversation">${messages.map((m) => html`<li key=${m.id} class=${m.direction}>
      <p>${m.body}</p><p class="muted">${m.direction === 'inbound' ? `From ${party(m, everyone)}`
        : `${m.scenario || 'You'} to ${party(m, everyone)}`} · ${dayTime(m.created_at)} · ${m.status}</p></li>`)}
      ${messages.length === 0 && html`<li class="muted">No messages yet.</li>`}</ol>
    <form novalidate onSubmit=${submit}>
      <${SendTo} people=${people} chosen=${chosen} setChosen=${(ids) => { setChosen(ids); setPick(null); }}
        id="send-to" error=${pick} hint="The reply and the quick actions go to those ticked." />
      <${Field} label="Reply to the customer" name="body" type="textarea" value=${body} onInput=${setBody} error=${save.error} required />
      <${FormError} error=${save.error} fields=${['body']} />
      <button type="submit" class="primary" disabled=${save.busy}>Send reply</button></form>
    <div class="actions" role="group" aria-label="Quick actions: a text in your company's words">
      ${Object.entries(QUICK).map(([a, label]) => html`<button type="button" key=${a} disabled=${save.busy}
        onClick=${() => quick(a)}>${label}</button>`)}</div></section>`;
}

function OfferDecision({ job, reload }) {
  const save = useSave();
  const decide = (verb) => save.run(() => api('POST', `/jobs/${job.id}/${verb}`, undefined, { ifMatch: job.version }),
    verb === 'accept' ? 'The offer is accepted: book a visit.' : 'The offer is declined.')
    .then((r) => { if (r !== undefined) { if (verb === 'decline') location.hash = '#/offers'; else reload(); } });
  return html`<div class="panel"><p>This is a new offer${job.offered_window ? ` (asked for ${window_({
    window_start: job.offered_window.start, window_end: job.offered_window.end })})` : ''}.</p>
    <button type="button" class="primary" disabled=${save.busy} onClick=${() => decide('accept')}>Accept offer</button>
    <button type="button" disabled=${save.busy} onClick=${() => decide('decline')}>Decline offer</button>
    <${FormError} error=${save.error} /></div>`;
}

/** The job's photos (the technician's, from the bucket by short-lived URLs) and estimates with their answers. */
function Photos({ photos }) {
  if (photos.length === 0) return null;
  return html`<section aria-labelledby="photos-h"><h2 id="photos-h">Photos</h2><ul class="photos">
    ${photos.map((p) => html`<li key=${p.id}><a href=${p.download_url} target="_blank" rel="noopener noreferrer">
      <img src=${p.download_url} alt=${`Photo of ${dayTime(p.created_at)} (${p.visibility})`} width="120"
        height="120" /></a></li>`)}</ul></section>`;
}

const cents = (n, currency) => `${(n / 100).toFixed(2)} ${currency}`;

function Estimates({ estimates }) {
  if (estimates.length === 0) return null;
  return html`<section aria-labelledby="est-h"><h2 id="est-h">Estimates</h2>
    ${estimates.map((e) => html`<div class="panel" key=${e.id}>
      <p><strong>${e.status.replace('_', ' ')}</strong> · approved ${
        `${cents(e.approved_cents, e.currency)} of ${cents(e.total_cents, e.currency)}`}</p>
      <ul>${e.lines.map((x) => html`<li key=${x.id}>${x.description}: ${cents(x.amount_cents, e.currency)}
        ${x.optional ? ' (optional)' : ''} · ${x.decision}</li>`)}</ul>
      ${e.comment && html`<p class="muted">The customer: “${e.comment}”</p>`}</div>`)}</section>`;
}

export function JobScreen({ id, changed }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  async function load() {
    try {
      const job = await api('GET', `/jobs/${id}`);
      const [customer, visits, notes, messages, users, photos, estimates, contacts, recipients] = await Promise.all([
        api('GET', `/customers/${job.customer_id}`), api('GET', `/jobs/${id}/appointments`),
        all(`/jobs/${id}/notes?limit=100`), all(`/jobs/${id}/messages?limit=100`), team(),
        all(`/jobs/${id}/photos?limit=100`), api('GET', `/jobs/${id}/estimates`),
        api('GET', `/customers/${job.customer_id}/contacts`), api('GET', `/jobs/${id}/recipients`)]);
      setData({ job, customer, visits: visits.items, notes, messages, users, photos, estimates: estimates.items,
        contacts: contacts.items, recipients });
      setError(null);
    } catch (e) { setError(e); }
  }
  const reload = () => { load(); changed(); };
  useEffect(() => { setData(null); load(); }, [id]);
  if (error && !data) return html`<h1 tabindex="-1">Job</h1><${Problem} error=${error} retry=${load} />`;
  if (!data) return html`<h1 tabindex="-1">Job</h1><${Loading} what="the job" />`;
  const { job, customer, visits, notes, messages, users, photos, estimates, contacts, recipients } = data;
  const open = visits.filter((v) => ['scheduled', 'en_route', 'started'].includes(v.status));
  return html`<h1 tabindex="-1">${job.description}</h1>
    <p><span class=${`status-pill tone-${tone(job.status)}`}>${STATUS[job.status]}</span>
      ${job.coupon && html` · Coupon ${job.coupon.code} (${job.coupon.percent}% off)`}
      ${job.cancel_reason && html` · Canceled: ${job.cancel_reason}`}</p>
    ${error && html`<${Problem} error=${error} />`}
    <div class="columns"><div>
      <section aria-labelledby="cust-h" class="panel"><h2 id="cust-h">Customer</h2>
        <p><strong>${customer.name}</strong>${customer.opted_out ? ' (opted out of texts)' : ''}</p>
        <p><a href=${`tel:${customer.phone}`}>${customer.phone}</a>${customer.email ? html` · ${customer.email}` : ''}</p>
        ${customer.address && html`<p>${customer.address}</p>`}</section>
      <${People} job=${job} customer=${customer} contacts=${contacts} recipients=${recipients}
        messages=${messages} reload=${reload} />
      ${job.status === 'new_offer' && html`<${OfferDecision} job=${job} reload=${reload} />`}
      <section aria-labelledby="visits-h"><h2 id="visits-h">Visits</h2>
        ${visits.length === 0 && html`<p>No visit booked.</p>`}
        ${visits.map((v) => html`<${Visit} key=${v.id} visit=${v} users=${users} reload=${reload} />`)}
        ${['unscheduled', 'scheduled', 'paused', 'complete', 'canceled'].includes(job.status) && open.length === 0
          && html`<${AddVisit} job=${job} users=${users} reload=${reload} />`}
      </section>
      ${['scheduled', 'paused'].includes(job.status) && html`<${Cancel} job=${job} reload=${reload} />`}
      <${Estimates} estimates=${estimates} />
      <${Photos} photos=${photos} />
    </div><div>
      <${Conversation} job=${job} messages=${messages} people=${recipients.contacts} contacts=${contacts}
        reload=${reload} />
      <${Notes} job=${job} notes=${notes} users=${users} reload=${reload} />
      <${StaffMessages} jobId=${job.id} title="Message the technician" button="Send to the technician"
        label="Message to the technician (their inbox in the app; never a text)"
        choices=${[...new Set(visits.filter((v) => v.technician_id && v.status !== 'canceled').map((v) => v.technician_id))]
          .map((t) => ({ id: t, name: nameOf(users, t) }))}
        post=${(b) => api('POST', `/jobs/${job.id}/staff-messages`, b)} />
    </div></div>`;
}
