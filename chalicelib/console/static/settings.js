// Messages #/settings/scenarios and Channels #/settings/channels: what the customers' texts say, when they go, on
// which channel. Loaded on demand (app.js). Each template is previewed as it is typed (POST
// /settings/scenarios/preview: realistic values, SMS segments, encoding, the longest branch); every refusal is the
// API's own, shown at its field, and a refused save keeps what was typed.
import { api } from './api.js';
import { Field, FormError, Loading, Problem, html, useEffect, useRef, useSave, useState } from './ui.js';

export const words = (key) => key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, ' ');
const plural = (n, one) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The error pinned to the form's own field when the API names a part of it (`confirmation_chain.2`). */
export function pin(error, names) {
  const name = error.field && names.find((n) => error.field === n || error.field.startsWith(`${n}.`));
  if (name) error.field = name;
  return error;
}
const int = (v) => (/^\d+$/.test(v) ? Number(v) : v); // anything else goes as typed: the API names it

function Check({ label, checked, onChange, id }) {
  return html`<div class="choice"><input type="checkbox" id=${id} checked=${checked}
    onChange=${(e) => onChange(e.target.checked)} /><label for=${id}>${label}</label></div>`;
}

/** Loads a settings document once; `set` replaces it with what a save answered. */
function useLoaded(path) {
  const [data, set] = useState(null);
  const [error, setError] = useState(null);
  const load = () => { setError(null); api('GET', path).then(set, setError); };
  useEffect(load, [path]);
  return { data, set, error, load };
}

function sizeText(s) {
  const why = s.not_gsm7.length ? ` (UCS-2 because of ${s.not_gsm7.join(' ')})` : '';
  return `${plural(s.segments, 'SMS segment')} · ${s.encoding}${why} · ${plural(s.characters, 'character')}`;
}

// -- the scenarios --------------------------------------------------------------------------------------------

function Scenario({ s, saved }) {
  const f = (k) => `scenarios.${s.name}.${k}`;
  const names = [f('template'), f('lead_time_minutes')];
  const timed = s.lead_time_minutes !== null;
  const [draft, setDraft] = useState({ enabled: s.enabled, template: s.template, lead: timed ? String(s.lead_time_minutes) : '' });
  const [shown, setShown] = useState(null);
  const [refusal, setRefusal] = useState(null);
  const asked = useRef(0);
  const save = useSave();
  const patch = () => {
    const p = {};
    if (draft.enabled !== s.enabled) p.enabled = draft.enabled;
    if (draft.template !== s.template) p.template = draft.template;
    if (timed && int(draft.lead) !== s.lead_time_minutes) p.lead_time_minutes = int(draft.lead);
    return p;
  };
  useEffect(() => { // the live preview, once typing pauses; only the latest answer is shown
    save.setError(null); // a refused save's words give way to the preview's of what is typed now
    const n = asked.current += 1;
    const timer = setTimeout(() => {
      api('POST', '/settings/scenarios/preview', { scenarios: { [s.name]: patch() } }).then((r) => {
        if (n === asked.current) { setShown(r.scenarios[0]); setRefusal(null); }
      }, (e) => { if (n === asked.current) { setShown(null); setRefusal(pin(e, names)); } });
    }, 250);
    return () => clearTimeout(timer);
  }, [draft.template, draft.lead, draft.enabled, s]);
  const put = (body, done) => save.run(() => api('PUT', '/settings/scenarios', { scenarios: { [s.name]: body } })
    .catch((e) => { throw pin(e, names); }), done);
  async function submit(e) {
    e.preventDefault();
    const r = await put(patch(), `${words(s.name)}: saved.`);
    if (r) saved(r);
  }
  async function restore() {
    const r = await put({ template: null }, `${words(s.name)}: back to the shipped wording.`);
    if (!r) return;
    setDraft({ ...draft, template: r.scenarios.find((x) => x.name === s.name).template });
    saved(r);
  }
  const err = save.error || refusal;
  const bad = err && err.field === f('template');
  const id = `f-${f('template')}`;
  const p = shown && shown.preview;
  const longest = shown && shown.longest;
  return html`<form class="scenario" onSubmit=${submit} novalidate>
    <${Check} id=${`f-${f('enabled')}`} label="Send this text" checked=${draft.enabled}
      onChange=${(v) => setDraft({ ...draft, enabled: v })} />
    ${timed && html`<${Field} label="Lead time (minutes before the window)" name=${f('lead_time_minutes')} type="number"
      value=${draft.lead} onInput=${(v) => setDraft({ ...draft, lead: v })} error=${err} min="5" />`}
    <div class="field">
      <label for=${id}>Template</label>
      <span class="hint" id=${`${id}-hint`}>Variables: ${s.variables.map((v) => html`<code key=${v}>{{ ${v} }}</code> `)}</span>
      <textarea id=${id} rows="4" value=${draft.template} onInput=${(e) => setDraft({ ...draft, template: e.target.value })}
        aria-invalid=${bad ? 'true' : undefined}
        aria-describedby=${[`${id}-hint`, `${id}-size`, bad && `${id}-error`].filter(Boolean).join(' ')} />
      ${bad && html`<span class="field-error" id=${`${id}-error`}>${err.message}</span>`}
    </div>
    <div class="preview" aria-label=${`Preview of ${words(s.name)}`} role="group">
      <p class="preview-head">Preview with realistic values</p>
      <p class="preview-text">${p ? p.text : bad ? 'No preview: the template is refused.' : '…'}</p>
      <p id=${`${id}-size`} aria-live="polite">${p ? sizeText(p) : ''}</p>
      ${longest && longest.text !== p.text && html`<p class="muted">Longest branch: ${sizeText(longest)}
        <span class="preview-text">${longest.text}</span></p>`}
      ${longest && longest.segments > 1 && html`<p class="warning">⚠ Needs ${plural(longest.segments, 'SMS segment')}:
        each is billed, and a text in parts may arrive in pieces.</p>`}
    </div>
    <${FormError} error=${err} fields=${names} />
    <div class="actions">
      <button type="submit" class="primary" disabled=${save.busy}>Save ${words(s.name).toLowerCase()}</button>
      ${s.customized && html`<button type="button" onClick=${restore} disabled=${save.busy}>Restore the shipped wording</button>`}
    </div>
  </form>`;
}

function QuietHours({ settings, saved }) {
  const [f, setF] = useState({ start: settings.quiet_hours.start, end: settings.quiet_hours.end,
    regions: Object.entries(settings.quiet_hours_by_region).map(([region, h]) => ({ region, ...h })) });
  const save = useSave();
  const names = ['quiet_hours.start', 'quiet_hours.end', ...f.regions.map((_, i) => `qr-${i}`), 'quiet_hours_by_region'];
  const placed = (x) => { // the API names a place by its code: the row that has it
    const at = (r) => `quiet_hours_by_region.${r.region}`;
    const i = x.field ? f.regions.findIndex((r) => x.field === at(r) || x.field.startsWith(`${at(r)}.`)) : -1;
    if (i >= 0) x.field = `qr-${i}`;
    return pin(x, names);
  };
  const setRow = (i, k) => (v) => setF({ ...f, regions: f.regions.map((r, j) => (j === i ? { ...r, [k]: v } : r)) });
  async function submit(e) {
    e.preventDefault();
    const body = { quiet_hours: { start: f.start, end: f.end },
      quiet_hours_by_region: Object.fromEntries(f.regions.map((r) => [r.region, { start: r.start, end: r.end }])) };
    const r = await save.run(() => api('PUT', '/settings/scenarios', body).catch((x) => { throw placed(x); }),
      'Quiet hours saved.');
    if (r) saved(r);
  }
  const err = save.error;
  return html`<form class="panel" onSubmit=${submit} novalidate aria-labelledby="quiet-h">
    <h2 id="quiet-h">Quiet hours</h2>
    <p class="muted">Texts that are not urgent wait until the end of quiet hours (the customer's time zone); a place's
      own law applies where it is stricter.</p>
    <div class="row">
      <${Field} label="From" name="quiet_hours.start" type="time" value=${f.start} onInput=${(v) => setF({ ...f, start: v })} error=${err} />
      <${Field} label="Until" name="quiet_hours.end" type="time" value=${f.end} onInput=${(v) => setF({ ...f, end: v })} error=${err} />
    </div>
    <h3>The organization's own hours for places</h3>
    ${f.regions.map((r, i) => html`<div class="row" key=${i}>
      <${Field} label=${`Place ${i + 1} (ISO 3166-2, like US-FL)`} name=${`qr-${i}`} value=${r.region}
        onInput=${setRow(i, 'region')} error=${err} />
      <${Field} label=${`Place ${i + 1} from`} name=${`qr-${i}-start`} type="time" value=${r.start} onInput=${setRow(i, 'start')} />
      <${Field} label=${`Place ${i + 1} until`} name=${`qr-${i}-end`} type="time" value=${r.end} onInput=${setRow(i, 'end')} />
      <button type="button" class="end" onClick=${() => setF({ ...f, regions: f.regions.filter((_, j) => j !== i) })}>Remove place ${i + 1}</button>
    </div>`)}
    <button type="button" onClick=${() => setF({ ...f, regions: [...f.regions, { region: '', start: '21:00', end: '08:00' }] })}>Add a place</button>
    <${FormError} error=${err} fields=${names} />
    <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>Save quiet hours</button></div>
  </form>`;
}

const FIGURES = [
  ['confirmation_followup_minutes', 'No reply to a confirmation or reminder: escalate after (minutes)'],
  ['escalate_before_hours', 'Escalate no earlier than (hours before the window)'],
  ['hand_back_before_hours', 'Still no answer: hand back to sales (hours before the window)'],
  ['travel_minutes', 'The drive between two visits when no distance is known (minutes)'],
];

function Followup({ settings, saved }) {
  const [f, setF] = useState({ ...Object.fromEntries(FIGURES.map(([k]) => [k, String(settings[k])])),
    voice_origination: settings.voice_origination || '', technician_sms_alerts: settings.technician_sms_alerts });
  const save = useSave();
  const names = [...FIGURES.map(([k]) => k), 'voice_origination', 'technician_sms_alerts'];
  async function submit(e) {
    e.preventDefault();
    const body = { ...Object.fromEntries(FIGURES.map(([k]) => [k, int(f[k])])),
      voice_origination: f.voice_origination.trim() || null, technician_sms_alerts: f.technician_sms_alerts };
    const r = await save.run(() => api('PUT', '/settings/scenarios', body), 'The confirmation figures are saved.');
    if (r) saved(r);
  }
  const err = save.error;
  return html`<form class="panel" onSubmit=${submit} novalidate aria-labelledby="chain-h">
    <h2 id="chain-h">The confirmation chain's figures</h2>
    <p class="muted">When an unanswered confirmation becomes a call to make, and when it goes back to sales. The
      chain's steps and their order: <a href="#/settings/channels">Channels</a>.</p>
    <div class="row">${FIGURES.map(([k, label]) => html`<${Field} key=${k} label=${label} name=${k} type="number"
      value=${f[k]} onInput=${(v) => setF({ ...f, [k]: v })} error=${err} />`)}</div>
    <${Field} label="Voice messages from (E.164; empty: no voice messages)" name="voice_origination" type="tel"
      value=${f.voice_origination} onInput=${(v) => setF({ ...f, voice_origination: v })} error=${err} />
    <${Check} id="f-technician_sms_alerts" label="Text the assigned technician when the customer writes"
      checked=${f.technician_sms_alerts} onChange=${(v) => setF({ ...f, technician_sms_alerts: v })} />
    <${FormError} error=${err} fields=${names} />
    <div class="actions"><button type="submit" class="primary" disabled=${save.busy}>Save the figures</button></div>
  </form>`;
}

export function Scenarios() {
  const { data, set, error, load } = useLoaded('/settings/scenarios');
  const [open, setOpen] = useState(null);
  if (error) return html`<h1 tabindex="-1">Messages</h1><${Problem} error=${error} retry=${load} />`;
  if (!data) return html`<h1 tabindex="-1">Messages</h1><${Loading} what="the message settings" />`;
  return html`<h1 tabindex="-1">Messages</h1>
    <p class="muted">What each text says, whether it goes, and how long before the visit. Every preview uses realistic
      values, as long as real ones get.</p>
    <ul class="entries">${data.scenarios.map((s) => html`<li key=${s.name} class="entry">
      <div class="scenario-head">
        <h2 id=${`sc-${s.name}`}>${words(s.name)}</h2>
        <span class="tag">${s.enabled ? 'On' : 'Off'}</span>
        ${s.customized && html`<span class="tag private">Customized</span>`}
        <span class="muted">${plural(s.segments, 'segment')} · ${s.encoding}${s.lead_time_minutes !== null ? ` · ${s.lead_time_minutes} min before` : ''}</span>
        <button type="button" aria-expanded=${open === s.name} aria-controls=${`ed-${s.name}`}
          onClick=${() => setOpen(open === s.name ? null : s.name)}>${open === s.name ? 'Close' : 'Edit'}<span
          class="visually-hidden"> ${words(s.name)}</span></button>
      </div>
      ${open === s.name ? html`<div id=${`ed-${s.name}`}><${Scenario} s=${s} saved=${set} /></div>`
        : html`<p class="preview-line">${s.template}</p>`}
    </li>`)}</ul>
    <${QuietHours} settings=${data} saved=${set} />
    <${Followup} settings=${data} saved=${set} />`;
}

// -- the channels ---------------------------------------------------------------------------------------------

const STEPS = { sms: 'Ask by SMS', whatsapp: 'Ask on WhatsApp', email: 'Ask by email', voice_task: 'A call to make (voice)',
  hand_back: 'Hand back to sales', wait: 'Wait' };
const stepOf = (text) => { const [action, wait = ''] = text.split(' '); return { action, wait }; };
const stepText = (s) => (s.action === 'wait' && s.wait.trim() ? `wait ${s.wait.trim()}` : s.action);

function Chain({ steps, setSteps, err }) {
  const move = (i, by) => { const next = [...steps]; [next[i], next[i + by]] = [next[i + by], next[i]]; setSteps(next); };
  const set = (i, k) => (e) => setSteps(steps.map((s, j) => (j === i ? { ...s, [k]: e.target.value } : s)));
  const whole = err && err.field === 'confirmation_chain';
  return html`<fieldset aria-describedby=${whole ? 'chain-error' : 'chain-hint'}><legend>The confirmation chain</legend>
    <p class="hint" id="chain-hint">In order: the first step asks on a channel; a wait without a time uses the
      figures on <a href="#/settings/scenarios">Messages</a>. A change applies to visits booked after it.</p>
    ${whole && html`<p class="field-error" id="chain-error">${err.message}</p>`}
    <ol class="chain">${steps.map((s, i) => {
      const name = `confirmation_chain.${i}`;
      const bad = err && err.field === name;
      return html`<li key=${i} class="row">
        <div class="field"><label for=${`f-${name}`}>Step ${i + 1}</label>
          <select id=${`f-${name}`} value=${s.action} onChange=${set(i, 'action')} aria-invalid=${bad ? 'true' : undefined}
            aria-describedby=${bad ? `f-${name}-error` : undefined}>
            ${Object.entries(STEPS).map(([k, v]) => html`<option key=${k} value=${k}>${v}</option>`)}</select>
          ${bad && html`<span class="field-error" id=${`f-${name}-error`}>${err.message}</span>`}</div>
        ${s.action === 'wait' && html`<div class="field"><label for=${`f-${name}-wait`}>Step ${i + 1}: how long</label>
          <input id=${`f-${name}-wait`} value=${s.wait} onInput=${set(i, 'wait')} placeholder="2h, 30m, 1d or empty" /></div>`}
        <div class="actions end">
          <button type="button" class="small" disabled=${i === 0} onClick=${() => move(i, -1)}>Move step ${i + 1} up</button>
          <button type="button" class="small" disabled=${i === steps.length - 1} onClick=${() => move(i, 1)}>Move step ${i + 1} down</button>
          <button type="button" class="small" onClick=${() => setSteps(steps.filter((_, j) => j !== i))}>Remove step ${i + 1}</button>
        </div></li>`;
    })}</ol>
    <button type="button" onClick=${() => setSteps([...steps, { action: 'wait', wait: '' }])}>Add a step</button>
  </fieldset>`;
}

export function Channels() {
  const { data, set, error, load } = useLoaded('/settings/channels');
  const [values, setValues] = useState({}); // each scenario's realistic values: what a template's parameters become
  const [variables, setVariables] = useState({});
  useEffect(() => {
    api('GET', '/settings/scenarios').then((s) => {
      setVariables(Object.fromEntries(s.scenarios.map((x) => [x.name, x.variables])));
      return api('POST', '/settings/scenarios/preview', { scenarios: Object.fromEntries(s.scenarios.map((x) => [x.name, {}])) });
    }).then((p) => setValues(Object.fromEntries(p.scenarios.map((x) => [x.name, x.values]))), () => {});
  }, []);
  if (error) return html`<h1 tabindex="-1">Channels</h1><${Problem} error=${error} retry=${load} />`;
  if (!data) return html`<h1 tabindex="-1">Channels</h1><${Loading} what="the channels" />`;
  return html`<h1 tabindex="-1">Channels</h1><${ChannelsForm} key=${JSON.stringify(data)} data=${data} saved=${set}
    values=${values} variables=${variables} />`;
}

function ChannelsForm({ data, saved, values, variables }) {
  const [f, setF] = useState({ whatsapp_phone_number_id: data.whatsapp_phone_number_id || '',
    email_from: data.email_from || '',
    templates: Object.entries(data.whatsapp_templates).map(([key, t]) => ({ key, name: t.name, language: t.language,
      parameters: t.parameters.join(', ') })),
    steps: data.confirmation_chain.map(stepOf) });
  const save = useSave();
  const tName = (t) => `whatsapp_templates.${t.key}`;
  const names = ['whatsapp_phone_number_id', 'email_from', ...f.templates.flatMap((t) => [`${tName(t)}.name`,
    `${tName(t)}.language`, tName(t)]), 'whatsapp_templates',
    ...f.steps.map((_, i) => `confirmation_chain.${i}`), 'confirmation_chain'];
  const setT = (i, k) => (v) => setF({ ...f, templates: f.templates.map((t, j) => (j === i ? { ...t, [k]: v } : t)) });
  const params = (t) => t.parameters.split(',').map((p) => p.trim()).filter(Boolean);
  async function submit(e) {
    e.preventDefault();
    const body = { whatsapp_phone_number_id: f.whatsapp_phone_number_id.trim() || null, email_from: f.email_from.trim() || null,
      whatsapp_templates: Object.fromEntries(f.templates.map((t) => [t.key, { name: t.name, language: t.language,
        parameters: params(t) }])),
      confirmation_chain: f.steps.map(stepText) };
    const r = await save.run(() => api('PUT', '/settings/channels', body).catch((x) => { throw pin(x, names); }),
      'The channels are saved.');
    if (r) saved(r);
  }
  const err = save.error;
  const keys = ['free_text', ...Object.keys(variables)];
  return html`<form onSubmit=${submit} class="wide" novalidate>
    <fieldset><legend>WhatsApp and email</legend><div class="row">
      <${Field} label="WhatsApp phone number id (End User Messaging Social)" name="whatsapp_phone_number_id"
        value=${f.whatsapp_phone_number_id} onInput=${(v) => setF({ ...f, whatsapp_phone_number_id: v })} error=${err}
        hint="empty: no WhatsApp" />
      <${Field} label="Email sender" name="email_from" type="email" value=${f.email_from}
        onInput=${(v) => setF({ ...f, email_from: v })} error=${err} hint="a verified SES identity; empty: no email" />
    </div></fieldset>
    <fieldset><legend>WhatsApp templates</legend>
      <p class="hint">Outside the 24-hour window WhatsApp takes only an approved template: its parameters are filled
        with the scenario's variables, in order.</p>
      ${f.templates.map((t, i) => html`<div class="template" key=${i}><div class="row">
        <div class="field"><label for=${`f-tk-${i}`}>Template ${i + 1}: for</label>
          <select id=${`f-tk-${i}`} value=${t.key} onChange=${(e) => setT(i, 'key')(e.target.value)}>
            ${[...new Set([t.key, ...keys])].map((k) => html`<option key=${k} value=${k}>${words(k)}</option>`)}</select></div>
        <${Field} label=${`Template ${i + 1}: approved name`} name=${`${tName(t)}.name`} value=${t.name} onInput=${setT(i, 'name')} error=${err} />
        <${Field} label=${`Template ${i + 1}: language`} name=${`${tName(t)}.language`} value=${t.language} onInput=${setT(i, 'language')} error=${err} />
        <${Field} label=${`Template ${i + 1}: parameters`} name=${tName(t)} value=${t.parameters} onInput=${setT(i, 'parameters')}
          error=${err} hint="variable names, comma-separated, in the template's order" />
        <button type="button" class="end" onClick=${() => setF({ ...f, templates: f.templates.filter((_, j) => j !== i) })}>Remove template ${i + 1}</button>
      </div>
      <p class="preview-line">Variables: ${t.key === 'free_text' ? 'body' : (variables[t.key] || []).join(', ')}.
        Filled as: ${params(t).map((p, n) => `{{${n + 1}}} = ${t.key === 'free_text'
        ? 'the text a person writes' : (values[t.key] || {})[p] ?? '–'}`).join(' · ') || 'no parameters'}</p></div>`)}
      <button type="button" onClick=${() => setF({ ...f, templates: [...f.templates, { key: 'booking_confirmation', name: '',
        language: 'en_US', parameters: '' }] })}>Add a template</button>
    </fieldset>
    <${Chain} steps=${f.steps} setSteps=${(steps) => { save.setError(null); setF({ ...f, steps }); }} err=${err} />
    <${FormError} error=${err} fields=${names} />
    <button type="submit" class="primary" disabled=${save.busy}>${save.busy ? 'Saving…' : 'Save the channels'}</button>
  </form>`;
}
