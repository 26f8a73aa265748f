// One visit: who and where (an "Open in maps" link), the window, the visit code and access notes when the API
// gives them, the actions the status machine allows now, a note, photos, the conversation with the customer and
// the messages with the office (staff.js, shared with the console); with several recipients, Send to (recipients.js).
import { all, api, ApiError } from './api.js';
import { html, useState, useEffect, STATUS, Loading, Problem, Field, FormError, useSave, time, dayTime,
  announce } from './ui.js';
import { firstName } from './day.js';
import { send } from './waiting.js';
import { StaffMessages } from './staff.js';
import { SendTo, party, ticked, told } from './recipients.js';

const KEPT = 'No signal: kept on the phone, it is sent when the signal returns.';

const QUICK = { checked_in: 'Checked in', request_approval: 'Request approval', asset_ready: 'Asset ready',
  asset_in_service: 'Asset in service' };
const ACCESS = { gate_code: 'Gate code', pets: 'Pets', parking: 'Parking', other: 'Anything else' };
const maps = (address) => `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(address)}`;

/** A city drive from here to the customer: 1.4× the straight line at 30 km/h, rounded up (docs/tech-app.md). */
export function driveMinutes(from, to) {
  const rad = (d) => (d * Math.PI) / 180;
  const a = Math.sin(rad(to.lat - from.lat) / 2) ** 2
    + Math.cos(rad(from.lat)) * Math.cos(rad(to.lat)) * Math.sin(rad(to.lon - from.lon) / 2) ** 2;
  const km = 2 * 6371 * Math.asin(Math.sqrt(a));
  return { km, minutes: Math.min(600, Math.max(1, Math.ceil(((km * 1.4) / 30) * 60))) };
}

/** Minutes from now as an instant, by the API's clock (the phone's may be off). */
const inMinutes = (day, minutes) => new Date(Date.now() + day.skew + minutes * 60e3).toISOString()
  .replace(/\.\d{3}Z$/, 'Z');

function Actions({ visit, day, reload }) {
  const [minutes, setMinutes] = useState('20');
  const [reason, setReason] = useState('');
  const { busy, error, run } = useSave();
  const can = (a) => visit.actions.includes(a);
  const label = { en_route: 'On my way', start: 'Started', pause: 'Paused', complete: 'Complete', delay: 'New ETA' };
  const act = (action, extra, done) => run(async () => {
    let sent;
    try {
      sent = await send('POST', `/appointments/${visit.id}/status`, { action, ...extra },
        `${label[action]}: ${firstName(visit.customer.name)}`);
    } catch (e) {
      if (e.status === 409) reload(); // someone else moved the visit: show it as it is now, with the reason
      throw e;
    }
    if (sent.queued) announce(KEPT);
    else { await reload(); announce(done); }
  });
  const eta = () => {
    const n = Number(minutes);
    return Number.isInteger(n) && n > 0 && n <= 600 ? { eta: inMinutes(day, n) } : null;
  };
  const etaAction = (action, done) => (e) => {
    e.preventDefault();
    const extra = eta();
    if (extra) act(action, extra, done);
    else announce('The ETA: type a number of minutes, 1 to 600.');
  };
  const to = visit.customer.coordinates;
  const estimate = () => navigator.geolocation.getCurrentPosition((p) => {
    const { km, minutes: n } = driveMinutes({ lat: p.coords.latitude, lon: p.coords.longitude }, to);
    setMinutes(String(n));
    announce(`About ${n} min from here (${km.toFixed(1)} km as the crow flies).`);
  }, () => announce('The phone did not give its position: type the minutes.'), { timeout: 10000 });
  if (visit.actions.length === 0) return html`<p class="muted">Nothing more to do on this visit.</p>`;
  return html`<section aria-labelledby="h-actions"><h2 id="h-actions">What now</h2>
    <${FormError} error=${error} />
    ${(can('en_route') || can('delay')) && html`<form class="row" onSubmit=${etaAction(can('en_route') ? 'en_route'
      : 'delay', can('en_route') ? 'On your way: the customer is told.' : 'The new ETA is saved.')}>
      <${Field} label="ETA in minutes" name="eta_minutes" type="number" min="1" max="600" inputmode="numeric"
        value=${minutes} onInput=${setMinutes} />
      <button class="primary" disabled=${busy}>${can('en_route') ? 'On my way' : 'New ETA'}</button></form>
      ${to && 'geolocation' in navigator && html`<button type="button" class="small" onClick=${estimate}>
        Estimate the ETA from here</button>`}`}
    ${can('start') && html`<button type="button" class="primary wide" disabled=${busy}
      onClick=${() => act('start', {}, 'Started.')}>Started</button>`}
    ${can('pause') && html`<form class="row" onSubmit=${(e) => { e.preventDefault(); act('pause', { reason }, 'Paused.'); }}>
      <${Field} label="Why pause?" name="reason" value=${reason} onInput=${setReason} maxlength="500" required
        hint="For example: parts to fetch, customer away" error=${error} />
      <button disabled=${busy}>Paused</button></form>`}
    ${can('complete') && html`<button type="button" class="wide" disabled=${busy}
      onClick=${() => act('complete', {}, 'Complete.')}>Complete</button>`}
  </section>`;
}

function Note({ visit }) {
  const [text, setText] = useState('');
  const [notes, setNotes] = useState(null);
  const { busy, error, run } = useSave();
  const load = () => all(`/jobs/${visit.job_id}/notes`).then(setNotes, () => setNotes([]));
  useEffect(() => { load(); }, [visit.job_id]);
  const submit = (e) => {
    e.preventDefault();
    run(() => send('POST', `/jobs/${visit.job_id}/notes`, { text }, `Note: ${firstName(visit.customer.name)}`))
      .then((sent) => {
        if (!sent) return;
        setText('');
        announce(sent.queued ? KEPT : 'The note is saved.');
        if (!sent.queued) load();
      });
  };
  return html`<section aria-labelledby="h-notes"><h2 id="h-notes">Notes</h2>
    ${notes && notes.length > 0 && html`<ul class="notes">${notes.map((n) => html`<li key=${n.id}>
      <span class="muted">${dayTime(n.created_at)}</span> ${n.text}</li>`)}</ul>`}
    <form onSubmit=${submit}>
      <${Field} label="A note (internal: the customer never sees it)" name="text" type="textarea" value=${text}
        onInput=${setText} required error=${error} />
      <${FormError} error=${error} fields=${['text']} />
      <button disabled=${busy}>Save the note</button></form></section>`;
}

/** Photos from the camera: the API gives a presigned URL and the phone sends the bytes to the bucket itself.
 * Not kept offline (a photo is too big to hold in the waiting list): without a signal, try again later. */
function Photos({ visit }) {
  const [photos, setPhotos] = useState(null);
  const { busy, error, run } = useSave();
  const load = () => all(`/jobs/${visit.job_id}/photos`).then(setPhotos, () => setPhotos([]));
  useEffect(() => { load(); }, [visit.job_id]);
  const submit = (e) => {
    e.preventDefault();
    const form = e.target;
    const file = form.elements.photo.files[0];
    if (!file) { announce('Take or choose a photo first.'); return; }
    run(async () => {
      const photo = await api('POST', `/jobs/${visit.job_id}/photos`, { content_type: file.type });
      let stored;
      try {
        stored = await fetch(photo.upload_url, { method: 'PUT', body: file, headers: { 'Content-Type': photo.content_type } });
      } catch {
        throw new ApiError(0, 'network', 'No signal: the photo was not sent. Try again when the signal returns.');
      }
      if (!stored.ok) throw new ApiError(stored.status, 'upload', 'The photo was not stored. Please try again.');
      form.reset();
      await load();
    }, 'The photo is saved.');
  };
  return html`<section aria-labelledby="h-photos"><h2 id="h-photos">Photos</h2>
    ${photos && photos.length > 0 && html`<ul class="photos">${photos.map((p) => html`<li key=${p.id}>
      <img src=${p.download_url} alt=${`Photo from ${dayTime(p.created_at)}`} width="96" height="96" /></li>`)}</ul>`}
    <form onSubmit=${submit}>
      <div class="field"><label for="f-photo">A photo of the work (internal)</label>
        <input id="f-photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp,image/heic"
          capture="environment" /></div>
      <${FormError} error=${error} />
      <button disabled=${busy}>Upload the photo</button></form></section>`;
}

function Conversation({ visit }) {
  const [messages, setMessages] = useState(null);
  const [problem, setProblem] = useState(null);
  const [body, setBody] = useState('');
  const [people, setPeople] = useState([]); // the job's recipients, first names and roles only
  const [chosen, setChosen] = useState([]);
  const { busy, error, run, setError } = useSave();
  const load = () => all(`/jobs/${visit.job_id}/messages`).then(setMessages, setProblem);
  useEffect(() => {
    load();
    api('GET', `/jobs/${visit.job_id}/recipients`).then((r) => {
      const found = r.contacts.map((c) => ({ ...c, name: firstName(c.name) }));
      setPeople(found);
      setChosen(ticked(found));
    }, () => setPeople([])); // not read (no signal): the job's recipients, as the API chooses
  }, [visit.job_id]);
  const post = (message, label, done) => {
    if (people.length > 1 && chosen.length === 0) { setError({ field: 'to', message: 'Choose whom to send it to.' }); return; }
    run(() => send('POST', `/jobs/${visit.job_id}/messages`, people.length > 1 ? { ...message, recipients: chosen }
      : message, `${label}: ${firstName(visit.customer.name)}`)).then((sent) => {
      if (!sent) return;
      if (message.body) setBody('');
      announce(sent.queued ? KEPT : done);
      if (!sent.queued) load();
    });
  };
  const submit = (e) => { e.preventDefault(); post({ body }, 'Message', 'The message is on its way.'); };
  const quick = (a) => post({ quick_action: a }, QUICK[a], `${QUICK[a]}: ${people.length > 1 ? told(people, chosen)
    : 'the customer is told'}.`);
  const who = (m) => party(m, people, (x) => (x.contact_id ? 'a contact' : 'the customer'));
  return html`<section aria-labelledby="h-talk"><h2 id="h-talk">Conversation</h2>
    <${Problem} error=${problem} retry=${load} />
    ${!messages && !problem && html`<${Loading} what="the conversation" />`}
    ${messages && (messages.length === 0 ? html`<p class="muted">No messages yet.</p>` : html`<ol class="talk">
      ${messages.map((m) => html`<li key=${m.id} class=${m.direction === 'inbound' ? 'in' : 'out'}>
        <span class="muted">${m.direction === 'inbound' ? 'From' : 'To'} ${who(m)}, ${dayTime(m.created_at)}</span>
        <span>${m.body}</span></li>`)}</ol>`)}
    <${SendTo} people=${people} chosen=${chosen} setChosen=${(ids) => { setChosen(ids); setError(null); }} id="send-to"
      error=${error && error.field === 'to' && error.message} hint="The message and the quick actions go to those ticked." />
    <div class="quick" role="group" aria-label="Quick actions: a text in the company's words">
      ${Object.entries(QUICK).map(([a, label]) => html`<button type="button" class="small" key=${a} disabled=${busy}
        onClick=${() => quick(a)}>${label}</button>`)}</div>
    <form onSubmit=${submit}>
      <${Field} label="Message to the customer (sent as a text)" name="body" type="textarea" value=${body}
        onInput=${setBody} required error=${error} />
      <${FormError} error=${error} fields=${['body', 'to']} />
      <button disabled=${busy}>Send</button></form></section>`;
}

function AccessNotes({ notes }) {
  const given = notes ? Object.entries(ACCESS).filter(([k]) => notes[k]) : [];
  if (given.length === 0) return null;
  return html`<section aria-labelledby="h-access"><h2 id="h-access">Access notes from the customer</h2>
    <dl class="facts">${given.map(([k, label]) => html`<dt>${label}</dt><dd>${notes[k]}</dd>`)}</dl></section>`;
}

export function Visit({ visit, day, error, reload }) {
  if (!day) {
    return html`<h1 tabindex="-1">Visit</h1>${error ? html`<${Problem} error=${error} retry=${reload} />`
      : html`<${Loading} what="the visit" />`}`;
  }
  if (!visit) return html`<h1 tabindex="-1">Visit</h1><p>This visit is not in your day any more.</p><a href="#/">My day</a>`;
  const { customer, job } = visit;
  return html`<p><a href=${`#/day/${day.date}`}>← My day</a></p>
    <h1 tabindex="-1">${firstName(customer.name)} <span class="muted">${job.description}</span></h1>
    <${Problem} error=${error} retry=${reload} />
    <dl class="facts">
      <dt>Status</dt><dd><span class=${`status s-${visit.status}`}>${STATUS[visit.status] || visit.status}</span>
        ${visit.status_reason && html` <span class="muted">(${visit.status_reason})</span>`}</dd>
      <dt>Window</dt><dd>${dayTime(visit.window_start)} – ${time(visit.window_end)}</dd>
      ${visit.expected && html`<dt>Expected</dt><dd>${time(visit.expected.start)} – ${time(visit.expected.end)}</dd>`}
      ${visit.eta && html`<dt>ETA</dt><dd>${time(visit.eta)}</dd>`}
      <dt>Address</dt><dd>${customer.address ? html`${customer.address}<br />
        <a href=${maps(customer.address)} target="_blank" rel="noopener noreferrer">Open in maps</a>`
        : 'No address given'}</dd>
      ${visit.visit_code && html`<dt>Visit code</dt><dd><strong class="code">${visit.visit_code}</strong>
        <span class="muted"> the customer may ask for it at the door</span></dd>`}
    </dl>
    <${AccessNotes} notes=${visit.access_notes} />
    <${Actions} visit=${visit} day=${day} reload=${reload} />
    <${Note} visit=${visit} />
    <${Photos} visit=${visit} />
    <${Conversation} visit=${visit} />
    <${StaffMessages} jobId=${visit.job_id} title="Messages with the office" button="Send to the office"
      label="Message to the office (the dispatchers' inbox; never a text)" post=${(b) => send('POST',
        `/jobs/${visit.job_id}/staff-messages`, b, `To the office: ${firstName(customer.name)}`)} />`;
}
