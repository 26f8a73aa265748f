// The job's People (seed 002): the customer's contacts, the customer's own number first; which of them get this
// job's texts (ticked, then *Save recipients*: each newly chosen one is invited by text); a contact added (the
// API's message at its field, what was typed kept) or removed (never the customer's own).
import { api } from './api.js';
import { person } from './recipients.js';
import { Field, FormError, dayTime, html, useEffect, useRef, useSave, useState } from './ui.js';

const EMPTY = { name: '', phone: '', email: '', role: '' };
const FIELDS = ['name', 'phone', 'email', 'role'];

function AddContact({ customer, reload }) {
  const [f, setF] = useState(EMPTY);
  const save = useSave();
  const set = (k) => (v) => setF({ ...f, [k]: v });
  const e = save.error; // the API names `name`, `phone`…: this form's fields are `contact_name`, `contact_phone`…
  const error = e && FIELDS.includes(e.field) ? { field: `contact_${e.field}`, message: e.message } : e;
  async function submit(event) {
    event.preventDefault();
    const body = { name: f.name };
    FIELDS.slice(1).forEach((k) => { if (f[k].trim()) body[k] = f[k].trim(); });
    const added = await save.run(() => api('POST', `/customers/${customer.id}/contacts`, body),
      `${f.name.trim()} is added to ${customer.name}'s contacts.`);
    if (added === undefined) return; // refused: the reason at its field, what was typed stays
    setF(EMPTY);
    reload();
  }
  return html`<form novalidate onSubmit=${submit} aria-labelledby="add-contact-h">
    <h3 id="add-contact-h">Add a contact</h3>
    <p class="hint">A tenant, a site manager, a driver: someone who should hear about ${customer.name}'s jobs.
      A phone or an email (or both).</p>
    <div class="row">
      <${Field} label="Name" name="contact_name" value=${f.name} onInput=${set('name')} error=${error} required
        maxlength="100" autocomplete="off" />
      <${Field} label="Role" name="contact_role" value=${f.role} onInput=${set('role')} error=${error}
        maxlength="40" hint="tenant, site manager…" autocomplete="off" />
    </div>
    <div class="row">
      <${Field} label="Mobile phone" name="contact_phone" type="tel" value=${f.phone} onInput=${set('phone')}
        error=${error} hint="+13035550123" autocomplete="off" />
      <${Field} label="Email" name="contact_email" type="email" value=${f.email} onInput=${set('email')}
        error=${error} autocomplete="off" />
    </div>
    <${FormError} error=${error} fields=${FIELDS.map((k) => `contact_${k}`)} />
    <button type="submit" disabled=${save.busy}>${save.busy ? 'Adding…' : 'Add contact'}</button></form>`;
}

function Contact({ c, invited, ticked, tick, removing, setRemoving, remove, busy }) {
  const keep = useRef(null);
  const asking = removing === c.id;
  useEffect(() => { if (asking && keep.current) keep.current.focus(); }, [asking]); // the question takes the focus
  const reach = [c.phone && html`<a href=${`tel:${c.phone}`}>${c.phone}</a>`, c.email].filter(Boolean);
  return html`<li class="person">
    <div class="who">
      <p><strong>${c.name}</strong>${c.role ? html` <span class="muted">(${c.role})</span>` : ''}</p>
      <p>${reach.map((r, i) => html`${i ? ' · ' : ''}${r}`)}</p>
      ${c.opted_out && html`<p class="opted-out">Opted out of texts (texted STOP)</p>`}
      ${!c.primary && html`<p class="muted">${invited ? `Invited ${dayTime(invited.created_at)} · ${invited.status}`
        : 'Not invited yet'}</p>`}
    </div>
    <label class="choice"><input type="checkbox" checked=${ticked} disabled=${c.primary}
      onChange=${(e) => tick(c.id, e.target.checked)} /> Gets texts for this job<span
      class="visually-hidden">${`: ${c.name}`}</span></label>
    ${c.primary ? html`<p class="hint">The customer's own number: always</p>`
      : asking ? html`<div class="actions" role="group" aria-label=${`Remove ${c.name}?`}>
        <button type="button" class="danger" disabled=${busy} onClick=${() => remove(c)}>Yes, remove ${c.name}</button>
        <button type="button" ref=${keep} onClick=${() => setRemoving(null)}>Keep</button></div>`
        : html`<button type="button" class="small" onClick=${() => setRemoving(c.id)}>Remove<span
          class="visually-hidden">${` ${c.name}`}</span></button>`}
  </li>`;
}

/** `messages`: the job's conversation, where each contact's invitation to this job is (its date and status). */
export function People({ job, customer, contacts, recipients, messages, reload }) {
  const [touched, setTouched] = useState({}); // contact id → ticked, until saved
  const [removing, setRemoving] = useState(null);
  const heading = useRef(null);
  const save = useSave();
  const isTicked = (c) => c.primary || (c.id in touched ? touched[c.id] : recipients.contact_ids.includes(c.id));
  const tick = (id, on) => setTouched({ ...touched, [id]: on });
  async function submit(event) {
    event.preventDefault();
    const chosen = contacts.filter((c) => !c.primary && isTicked(c));
    const fresh = chosen.filter((c) => !recipients.contact_ids.includes(c.id));
    const saved = await save.run(() => api('PUT', `/jobs/${job.id}/recipients`,
      { contact_ids: chosen.map((c) => c.id) }, { ifMatch: job.version }).catch((e) => {
      if (e.status === 409) reload(); // changed by someone else meanwhile: shown as it is now, the ticks kept
      throw e;
    }),
    `Saved: this job's texts go to ${[customer.name, ...chosen.map((c) => c.name)].join(', ')}.${
      fresh.length ? ` An invitation is on its way to ${fresh.map((c) => c.name).join(', ')}.` : ''}`);
    if (saved === undefined) return;
    setTouched({});
    reload();
  }
  async function remove(c) {
    const gone = await save.run(() => api('DELETE', `/contacts/${c.id}`), `${c.name} is removed from the contacts.`);
    if (gone === undefined) return;
    setRemoving(null);
    if (heading.current) heading.current.focus(); // their button is gone: the section's heading keeps the place
    reload();
  }
  const changed = contacts.some((c) => c.id in touched && touched[c.id] !== recipients.contact_ids.includes(c.id));
  return html`<section aria-labelledby="people-h" class="panel people">
    <h2 id="people-h" tabindex="-1" ref=${heading}>People</h2>
    <p class="hint">Whoever is ticked gets this job's texts, each with a link of their own; their replies are theirs.</p>
    <form novalidate onSubmit=${submit}>
      <ul class="people-list">${contacts.map((c) => html`<${Contact} key=${c.id} c=${c} ticked=${isTicked(c)}
        invited=${messages.find((m) => m.scenario === 'contact_invited' && m.contact_id === c.id)}
        tick=${tick} removing=${removing} setRemoving=${setRemoving} remove=${remove} busy=${save.busy} />`)}</ul>
      <${FormError} error=${save.error} />
      <button type="submit" class=${changed ? 'primary' : ''} disabled=${save.busy}>Save recipients</button>
      ${changed && html` <span class="hint">Not saved yet</span>`}
    </form>
    <${AddContact} customer=${customer} reload=${reload} />
  </section>`;
}
