// Locations and hours #/settings/places: each location's name, time zone and direct reply (seed 002), and the
// working hours its time frames are generated from (the organization's own when no location is chosen). Loaded
// on demand (app.js). GET, POST, PUT /settings/locations; GET, PUT /settings/time-frames?location_id=.
import { all, api } from './api.js';
import { Field, FormError, Loading, Problem, html, useEffect, useSave, useState } from './ui.js';

const DAYS = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
const NUMBERS = [['frame_minutes', 'Frame length (minutes)'], ['frames_per_day', 'Frames a day'],
  ['visits_per_frame', 'Visits a frame takes'], ['days_ahead', 'Days ahead offered']];
const int = (v) => (/^\d+$/.test(v) ? Number(v) : v);

function Place({ place, saved }) {
  const [f, setF] = useState({ name: place.name, time_zone: place.time_zone, direct: place.direct_reply_enabled });
  const save = useSave();
  async function submit(e) {
    e.preventDefault();
    const r = await save.run(() => api('PUT', `/settings/locations/${place.id}`, { name: f.name, time_zone: f.time_zone,
      direct_reply_enabled: f.direct }), `${f.name}: saved.`);
    if (r) saved(r);
  }
  const err = save.error;
  return html`<form class="panel" onSubmit=${submit} novalidate aria-label=${`The location ${place.name}`}>
    <h2>${place.name}</h2>
    <div class="row">
      <${Field} label="Name" name="name" value=${f.name} onInput=${(v) => setF({ ...f, name: v })} error=${err} required />
      <${Field} label="Time zone" name="time_zone" value=${f.time_zone} onInput=${(v) => setF({ ...f, time_zone: v })}
        error=${err} hint="like America/Denver: frames and texts are in it" required />
    </div>
    <div class="choice"><input type="checkbox" id="f-direct" checked=${f.direct}
      onChange=${(e) => setF({ ...f, direct: e.target.checked })} aria-describedby="f-direct-hint" />
      <label for="f-direct">Direct reply</label></div>
    <span class="hint" id="f-direct-hint">On: a customer's text reply reaches the conversation and the inbox. Off: it is
      kept in the conversation, and the customer is texted “replies by text are not enabled for this location. To write
      to us, reply here: (their page's link)”.</span>
    <${FormError} error=${err} fields=${['name', 'time_zone']} />
    <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>Save the location</button></div>
  </form>`;
}

function Hours({ locationId, label }) {
  const query = locationId ? `?location_id=${encodeURIComponent(locationId)}` : '';
  const [f, setF] = useState(null);
  const [error, setError] = useState(null);
  const save = useSave();
  const fill = (h) => setF({ days: h.days, start: h.hours.start, end: h.hours.end, generate: h.generate,
    ...Object.fromEntries(NUMBERS.map(([k]) => [k, String(h[k])])) });
  useEffect(() => { api('GET', `/settings/time-frames${query}`).then(fill, setError); }, [query]);
  if (error) return html`<${Problem} error=${error} />`;
  if (!f) return html`<${Loading} what="the working hours" />`;
  const day = (d) => (e) => setF({ ...f, days: e.target.checked ? [...f.days, d] : f.days.filter((x) => x !== d) });
  async function submit(e) {
    e.preventDefault();
    const body = { days: Object.keys(DAYS).filter((d) => f.days.includes(d)), hours: { start: f.start, end: f.end },
      generate: f.generate, ...Object.fromEntries(NUMBERS.map(([k]) => [k, int(f[k])])) };
    const r = await save.run(() => api('PUT', `/settings/time-frames${query}`, body), `Working hours of ${label}: saved.`);
    if (r) fill(r);
  }
  const err = save.error;
  const daysBad = err && err.field === 'days';
  return html`<form class="panel" onSubmit=${submit} novalidate aria-labelledby="hours-h">
    <h2 id="hours-h">Working hours of ${label}</h2>
    <p class="muted">The time frames a customer may pick are made from these.</p>
    <fieldset aria-describedby=${daysBad ? 'f-days-error' : undefined}><legend>Working days</legend>
      <div class="row">${Object.entries(DAYS).map(([d, name]) => html`<div class="choice" key=${d}>
        <input type="checkbox" id=${`f-day-${d}`} checked=${f.days.includes(d)} onChange=${day(d)} />
        <label for=${`f-day-${d}`}>${name}</label></div>`)}</div>
      ${daysBad && html`<span class="field-error" id="f-days-error">${err.message}</span>`}
    </fieldset>
    <div class="row">
      <${Field} label="From" name="hours.start" type="time" value=${f.start} onInput=${(v) => setF({ ...f, start: v })} error=${err} />
      <${Field} label="Until" name="hours.end" type="time" value=${f.end} onInput=${(v) => setF({ ...f, end: v })} error=${err} />
      ${NUMBERS.map(([k, text]) => html`<${Field} key=${k} label=${text} name=${k} type="number" value=${f[k]}
        onInput=${(v) => setF({ ...f, [k]: v })} error=${err} />`)}
    </div>
    <div class="choice"><input type="checkbox" id="f-generate" checked=${f.generate}
      onChange=${(e) => setF({ ...f, generate: e.target.checked })} />
      <label for="f-generate">Generate frames from these hours (off: only the frames a dispatcher offers)</label></div>
    <${FormError} error=${err} fields=${['days', 'hours.start', 'hours.end', ...NUMBERS.map(([k]) => k)]} />
    <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>Save the working hours</button></div>
  </form>`;
}

function NewPlace({ added }) {
  const [f, setF] = useState({ name: '', time_zone: '' });
  const save = useSave();
  async function submit(e) {
    e.preventDefault();
    const r = await save.run(() => api('POST', '/settings/locations', { name: f.name, time_zone: f.time_zone,
      direct_reply_enabled: true }), `${f.name}: added.`);
    if (r) { setF({ name: '', time_zone: '' }); added(r); }
  }
  const err = save.error && { ...save.error, field: save.error.field && `new-${save.error.field}`, message: save.error.message };
  return html`<form class="inline" onSubmit=${submit} novalidate aria-label="Add a location">
    <${Field} label="New location's name" name="new-name" value=${f.name} onInput=${(v) => setF({ ...f, name: v })} error=${err} />
    <${Field} label="Its time zone" name="new-time_zone" value=${f.time_zone} onInput=${(v) => setF({ ...f, time_zone: v })}
      error=${err} hint="like America/Denver" />
    <button type="submit" disabled=${save.busy}>Add the location</button>
    <${FormError} error=${err} fields=${['new-name', 'new-time_zone']} />
  </form>`;
}

export function Places() {
  const [places, setPlaces] = useState(null);
  const [error, setError] = useState(null);
  const [chosen, setChosen] = useState('');
  const load = () => { setError(null); all('/settings/locations?limit=100').then(setPlaces, setError); };
  useEffect(load, []);
  if (error) return html`<h1 tabindex="-1">Locations and hours</h1><${Problem} error=${error} retry=${load} />`;
  if (!places) return html`<h1 tabindex="-1">Locations and hours</h1><${Loading} what="the locations" />`;
  const place = places.find((p) => p.id === chosen);
  const swap = (p) => setPlaces(places.map((x) => (x.id === p.id ? p : x)));
  return html`<h1 tabindex="-1">Locations and hours</h1>
    <div class="field narrow"><label for="f-place">Location</label>
      <select id="f-place" value=${chosen} onChange=${(e) => setChosen(e.target.value)}>
        <option value="">The organization (every location without its own hours)</option>
        ${places.map((p) => html`<option key=${p.id} value=${p.id}>${p.name} (${p.time_zone})</option>`)}</select></div>
    ${place && html`<${Place} key=${place.id} place=${place} saved=${swap} />`}
    <${Hours} key=${chosen} locationId=${chosen} label=${place ? place.name : 'the organization'} />
    <h2>Add a location</h2>
    <${NewPlace} added=${(p) => { setPlaces([...places, p]); setChosen(p.id); }} />`;
}
