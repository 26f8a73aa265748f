// A new customer and their job in one form: POST /customers, then POST /jobs (with a visit if a window is
// given). Each API message shows at its field; a failed save keeps everything typed, and a customer already
// saved is not created twice.
import { api } from './api.js';
import { team, technicians } from './team.js';
import { Field, FormError, html, useEffect, useSave, useState, zonedToIso, getZone } from './ui.js';

const CUSTOMER_FIELDS = ['name', 'phone', 'email', 'address', 'time_zone'];
const JOB_FIELDS = ['description', 'priority', 'appointment.window_start', 'appointment.window_end',
  'appointment.technician_id'];

export function NewJob({ changed }) {
  const [f, setF] = useState({ name: '', phone: '', email: '', address: '', time_zone: getZone(), description: '',
    priority: 'normal', day: '', start: '', end: '', technician_id: '' });
  const [customer, setCustomer] = useState(null);
  const [users, setUsers] = useState([]);
  const save = useSave();
  useEffect(() => { team().then(setUsers, () => {}); }, []);
  const set = (k) => (v) => setF({ ...f, [k]: v });
  async function submit(e) {
    e.preventDefault();
    const job = await save.run(async () => {
      let saved = customer;
      if (!saved) {
        const body = { name: f.name, phone: f.phone, ...(f.email ? { email: f.email } : {}),
          ...(f.address ? { address: f.address } : {}), ...(f.time_zone ? { time_zone: f.time_zone } : {}) };
        saved = await api('POST', '/customers', body);
        setCustomer(saved);
      }
      const body = { customer_id: saved.id, description: f.description, priority: f.priority, channel: 'phone' };
      if (f.day && f.start && f.end) {
        body.appointment = { window_start: zonedToIso(f.day, f.start), window_end: zonedToIso(f.day, f.end),
          technician_id: f.technician_id || null };
      }
      return api('POST', '/jobs', body);
    }, 'The job is created.');
    if (job) { changed(); location.hash = `#/job/${job.id}`; }
  }
  const err = save.error;
  return html`<h1 tabindex="-1">New job</h1>
    <form onSubmit=${submit} class="wide" novalidate>
      <fieldset disabled=${Boolean(customer)}><legend>Customer${customer ? ` (saved: ${customer.name})` : ''}</legend>
        <div class="row">
          <${Field} label="Name" name="name" value=${f.name} onInput=${set('name')} error=${err} required autocomplete="off" />
          <${Field} label="Mobile phone" name="phone" type="tel" value=${f.phone} onInput=${set('phone')} error=${err} required
            hint="E.164, like +13035550142" />
          <${Field} label="Email" name="email" type="email" value=${f.email} onInput=${set('email')} error=${err} />
        </div>
        <div class="row">
          <${Field} label="Address" name="address" value=${f.address} onInput=${set('address')} error=${err} />
          <${Field} label="Time zone" name="time_zone" value=${f.time_zone} onInput=${set('time_zone')} error=${err}
            hint="like America/Denver" />
        </div>
      </fieldset>
      <fieldset><legend>Job</legend>
        <${Field} label="What needs doing" name="description" type="textarea" value=${f.description}
          onInput=${set('description')} error=${err} required />
        <div class="field"><label for="f-priority">Priority</label>
          <select id="f-priority" value=${f.priority} onChange=${(e) => set('priority')(e.target.value)}>
            ${['low', 'normal', 'high', 'emergency'].map((p) => html`<option key=${p} value=${p}>${p}</option>`)}</select></div>
      </fieldset>
      <fieldset><legend>Visit (optional)</legend><div class="row">
        <${Field} label="Day" name="day" type="date" value=${f.day} onInput=${set('day')} />
        <${Field} label="From" name="appointment.window_start" type="time" value=${f.start} onInput=${set('start')} error=${err} />
        <${Field} label="To" name="appointment.window_end" type="time" value=${f.end} onInput=${set('end')} error=${err} />
        <div class="field"><label for="f-tech">Technician</label>
          <select id="f-tech" value=${f.technician_id} onChange=${(e) => set('technician_id')(e.target.value)}>
            <option value="">Not assigned</option>
            ${technicians(users).map((t) => html`<option key=${t.id} value=${t.id}>${t.name}</option>`)}</select></div>
      </div></fieldset>
      <${FormError} error=${err} fields=${[...CUSTOMER_FIELDS, ...JOB_FIELDS]} />
      <button type="submit" class="primary" disabled=${save.busy}>${save.busy ? 'Saving…' : 'Create job'}</button>
    </form>`;
}
