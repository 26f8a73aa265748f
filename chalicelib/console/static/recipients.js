// A job's people (seed 002): who a message of the conversation is from or to, by name, and the "Send to" choice
// among the job's recipients for a message or a quick action. The console's job screen and the technician's visit
// both draw these (GET /jobs/{id}/recipients; the technician reads names only).
import { html } from './ui.js';

/** "Tia Tenant (tenant)". */
export const person = (c) => `${c.name}${c.role ? ` (${c.role})` : ''}`;

/** Who a message is from (inbound) or to (outbound): the contact by name, else `unknown(m)` (the number, by
 * default: a contact since removed). `contact_id` null is the customer's own number: the primary contact. */
export function party(m, people, unknown = (x) => (x.direction === 'inbound' ? x.from : x.to)) {
  const id = m.contact_id;
  const found = people.find((c) => (id ? c.id === id : c.primary));
  return found ? person(found) : unknown(m);
}

/** Those ticked at first: every recipient who has not texted STOP. */
export const ticked = (people) => people.filter((c) => !c.opted_out).map((c) => c.id);

/** Checkboxes of the job's recipients; `chosen` their ids. Drawn only when there is a choice to make. */
export function SendTo({ people, chosen, setChosen, id, error, hint }) {
  if (people.length < 2) return null;
  const flip = (c) => setChosen(chosen.includes(c.id) ? chosen.filter((x) => x !== c.id)
    : people.filter((p) => p.id === c.id || chosen.includes(p.id)).map((p) => p.id));
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  return html`<fieldset class="send-to" aria-describedby=${described} aria-invalid=${error ? 'true' : undefined}>
    <legend>Send to</legend>
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    ${people.map((c) => html`<label class="choice" key=${c.id}><input type="checkbox" name=${id} value=${c.id}
      checked=${chosen.includes(c.id)} onChange=${() => flip(c)} /> ${person(c)}${c.opted_out
        ? html` <span class="muted">(opted out)</span>` : ''}</label>`)}
    ${error && html`<p class="field-error" id=${`${id}-error`}>${error}</p>`}
  </fieldset>`;
}

/** "Kim Park and Tia Tenant (tenant)". */
export function names(people, ids) {
  const list = people.filter((c) => ids.includes(c.id)).map(person);
  return list.length < 2 ? list.join('') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

/** "the customer is told", "Tia Tenant (tenant) is told", "Kim Park and Tia Tenant (tenant) are told". */
export function told(people, ids) {
  const to = people.filter((c) => ids.includes(c.id));
  if (to.length === 0 || (to.length === 1 && to[0].primary)) return 'the customer is told';
  return `${names(people, ids)} ${to.length === 1 ? 'is' : 'are'} told`;
}
