// Staff messages about a job (issue 25): between the dispatchers and the technicians assigned to its visits,
// each in its recipients' inboxes; never a text, never shown to the customer. The console's job screen and the
// technician's visit both draw this (`post` sends it: the app's way, kept offline on the phone).
import { api } from './api.js';
import { Field, FormError, Loading, Problem, announce, dayTime, html, useEffect, useSave, useState } from './ui.js';

/** "Ana Alvarez (technician)": who wrote, or to whom. */
export const colleague = (p) => `${p.name || 'A colleague'}${p.role ? ` (${p.role})` : ''}`;

export function StaffMessages({ jobId, title, label, button, post, choices = [] }) {
  const [items, setItems] = useState(null);
  const [problem, setProblem] = useState(null);
  const [body, setBody] = useState('');
  const [to, setTo] = useState('');
  const save = useSave();
  const load = () => api('GET', `/jobs/${jobId}/staff-messages`)
    .then((r) => { setItems(r.items); setProblem(null); }, setProblem);
  useEffect(() => { load(); }, [jobId]);
  const e = save.error;
  const error = e && e.field === 'body' ? { field: 'staff_body', message: e.message } : e;
  async function submit(event) {
    event.preventDefault();
    const sent = await save.run(() => post(to ? { body, to } : { body }));
    if (sent === undefined) return; // refused: what was typed stays, the reason at the field
    setBody('');
    announce(sent.queued ? 'No signal: kept on the phone, it is sent when the signal returns.'
      : `Sent to ${sent.to ? sent.to.map(colleague).join(', ') : 'the office'}.`);
    if (!sent.queued) load();
  }
  return html`<section aria-labelledby="staff-h"><h2 id="staff-h">${title}</h2>
    <p class="muted">Between the office and the technicians: never a text, never shown to the customer.</p>
    <${Problem} error=${problem} retry=${load} />
    ${!items && !problem && html`<${Loading} what="the staff messages" />`}
    ${items && html`<ol class="staff">${items.map((m) => html`<li key=${m.id}>${m.body}
      <span class="muted"> — ${colleague(m.author)} to ${m.to.map(colleague).join(', ')}, ${dayTime(m.created_at)}</span>
      </li>`)}${items.length === 0 && html`<li class="muted">No staff messages yet.</li>`}</ol>`}
    <form novalidate onSubmit=${submit}>
      ${choices.length > 1 && html`<div class="field"><label for="f-staff_to">To</label>
        <select id="f-staff_to" value=${to} onChange=${(ev) => setTo(ev.target.value)}>
          <option value="">Every technician assigned</option>
          ${choices.map((c) => html`<option value=${c.id} key=${c.id}>${c.name}</option>`)}</select></div>`}
      <${Field} label=${label} name="staff_body" type="textarea" value=${body} onInput=${setBody} error=${error}
        required maxlength="1000" />
      <${FormError} error=${error} fields=${['staff_body']} />
      <button type="submit" class="primary" disabled=${save.busy}>${button}</button>
    </form></section>`;
}
