// The team #/team: the organization's users with their roles; invite one, change roles, deactivate and
// reactivate (seed 004: a deactivated user cannot sign in, and everything they did stays), the technician's photo
// (PUT by the browser straight to the private bucket through the presigned URL). Loaded on demand (app.js).
// GET, POST /users; PATCH /users/{id}; POST /users/{id}/photo.
import { api, claims } from './api.js';
import { team } from './team.js';
import { Field, FormError, Loading, Problem, announce, html, useEffect, useSave, useState } from './ui.js';

const ROLES = { dispatcher: 'Dispatcher', technician: 'Technician', 'dispatcher technician': 'Dispatcher and technician',
  provider: 'Provider', intake: 'Intake (an order integration)' };
const keyOf = (roles) => [...roles].sort().join(' ');
const PHOTO_TYPES = 'image/jpeg,image/png,image/webp';

function Face({ user }) {
  return user.photo_url ? html`<img class="face" src=${user.photo_url} alt=${`Photo of ${user.name}`} width="64" height="64" />`
    : html`<span class="face none" aria-hidden="true">${user.name.slice(0, 1)}</span>`;
}

function Photo({ user, changed }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const id = `f-photo-${user.id}`;
  async function upload(e) {
    const file = e.target.files[0];
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const slot = await api('POST', `/users/${user.id}/photo`, { content_type: file.type || 'application/octet-stream' });
      const put = await fetch(slot.upload_url, { method: 'PUT', body: file, headers: { 'Content-Type': slot.content_type } })
        .catch(() => ({ ok: false }));
      if (!put.ok) throw new Error('The photo could not be uploaded. Check the connection and try again.');
      changed(await api('GET', `/users/${user.id}`));
      announce(`The photo of ${user.name} is saved.`);
    } catch (x) {
      setError(x);
      announce(`Not saved: ${x.message}`);
    } finally {
      setBusy(false);
      e.target.value = '';
    }
  }
  return html`<div class="field">
    <label for=${id}>${user.photo_url ? 'Replace the photo' : 'Add a photo'}<span class="visually-hidden"> of ${user.name}</span></label>
    <input type="file" id=${id} accept=${PHOTO_TYPES} onChange=${upload} disabled=${busy}
      aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? `${id}-error` : `${id}-hint`} />
    ${error ? html`<span class="field-error" id=${`${id}-error`}>${error.message}</span>`
      : html`<span class="hint" id=${`${id}-hint`}>JPEG, PNG or WebP: the customer sees it with the first name</span>`}
  </div>`;
}

function Member({ user, changed }) {
  const [roles, setRoles] = useState(keyOf(user.roles));
  const save = useSave();
  const me = user.id === claims().sub;
  const tech = user.roles.includes('technician');
  const patch = (body, done) => save.run(() => api('PATCH', `/users/${user.id}`, body), done).then((r) => r && changed(r));
  const id = `f-roles-${user.id}`;
  const bad = save.error && save.error.field === 'roles';
  return html`<li class=${`entry member${user.active ? '' : ' inactive'}`}>
    ${tech && html`<${Face} user=${user} />`}
    <div>
    <div class="member-head">
      <h2>${user.name}${me ? ' (you)' : ''}</h2>
      <span class=${`tag${user.active ? '' : ' private'}`}>${user.active ? 'Active' : 'Deactivated'}</span>
      <span class="muted">${user.email}${user.phone ? ` · ${user.phone}` : ''}</span>
    </div>
    ${!user.active && html`<p class="muted">Cannot sign in; their visits, notes and messages stay as they were.</p>`}
    <div class="row">
      <form class="inline" onSubmit=${(e) => { e.preventDefault(); patch({ roles: roles.split(' ') }, `${user.name}: roles saved.`); }}>
        <div class="field"><label for=${id}>Role of ${user.name}</label>
          <select id=${id} value=${roles} onChange=${(e) => setRoles(e.target.value)} aria-invalid=${bad ? 'true' : undefined}
            aria-describedby=${bad ? `${id}-error` : undefined}>
            ${Object.entries({ ...(ROLES[keyOf(user.roles)] ? {} : { [keyOf(user.roles)]: user.roles.join(', ') }), ...ROLES })
              .map(([k, v]) => html`<option key=${k} value=${k}>${v}</option>`)}</select>
          ${bad && html`<span class="field-error" id=${`${id}-error`}>${save.error.message}</span>`}</div>
        <button type="submit" class="end" disabled=${save.busy || roles === keyOf(user.roles)}>Save the role</button>
      </form>
      ${tech && html`<${Photo} user=${user} changed=${changed} />`}
      ${!me && html`<div class="actions end">${user.active
        ? html`<button type="button" class="danger" disabled=${save.busy} onClick=${() => patch({ active: false },
          `${user.name} is deactivated: they cannot sign in; their history stays.`)}>Deactivate ${user.name}</button>`
        : html`<button type="button" disabled=${save.busy} onClick=${() => patch({ active: true },
          `${user.name} is active again.`)}>Reactivate ${user.name}</button>`}</div>`}
    </div>
    <${FormError} error=${save.error} fields=${['roles']} />
    </div>
  </li>`;
}

function Invite({ added }) {
  const [f, setF] = useState({ name: '', email: '', phone: '', roles: 'technician' });
  const save = useSave();
  async function submit(e) {
    e.preventDefault();
    const body = { name: f.name, email: f.email, roles: f.roles.split(' '), ...(f.phone.trim() ? { phone: f.phone.trim() } : {}) };
    const r = await save.run(() => api('POST', '/users', body), `${f.name} is invited.`);
    if (r) { setF({ name: '', email: '', phone: '', roles: f.roles }); added(r); }
  }
  const err = save.error;
  return html`<form class="panel wide" onSubmit=${submit} novalidate aria-labelledby="invite-h">
    <h2 id="invite-h">Invite someone</h2>
    <p class="muted">They get an email with a temporary password to sign in with (the stage's user pool).</p>
    <div class="row">
      <${Field} label="Name" name="name" value=${f.name} onInput=${(v) => setF({ ...f, name: v })} error=${err} required />
      <${Field} label="Email" name="email" type="email" value=${f.email} onInput=${(v) => setF({ ...f, email: v })} error=${err} required />
      <${Field} label="Mobile phone (optional)" name="phone" type="tel" value=${f.phone} onInput=${(v) => setF({ ...f, phone: v })}
        error=${err} hint="E.164, like +13035550142" />
      <div class="field"><label for="f-invite-roles">Role</label>
        <select id="f-invite-roles" value=${f.roles} onChange=${(e) => setF({ ...f, roles: e.target.value })}>
          ${Object.entries(ROLES).map(([k, v]) => html`<option key=${k} value=${k}>${v}</option>`)}</select></div>
    </div>
    <${FormError} error=${err} fields=${['name', 'email', 'phone']} />
    <button type="submit" class="primary" disabled=${save.busy}>${save.busy ? 'Inviting…' : 'Invite'}</button>
  </form>`;
}

export function Team() {
  const [users, setUsers] = useState(null);
  const [error, setError] = useState(null);
  const load = () => { setError(null); team(true).then(setUsers, setError); };
  useEffect(load, []);
  if (error) return html`<h1 tabindex="-1">Team</h1><${Problem} error=${error} retry=${load} />`;
  if (!users) return html`<h1 tabindex="-1">Team</h1><${Loading} what="the team" />`;
  const changed = (u) => { setUsers(users.map((x) => (x.id === u.id ? u : x))); team(true).catch(() => {}); };
  const sorted = [...users].sort((a, b) => a.name.localeCompare(b.name)); // by name: a change never moves a row
  return html`<h1 tabindex="-1">Team</h1>
    <${Invite} added=${(u) => { setUsers([...users, u]); team(true).catch(() => {}); }} />
    <ul class="entries">${sorted.map((u) => html`<${Member} key=${u.id} user=${u} changed=${changed} />`)}</ul>`;
}
