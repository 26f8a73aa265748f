// The day board: a lane per technician plus "Unassigned", each visit a block at its window, coloured by
// status (seed 004) with the status written on it. One call for the day (GET /appointments?date=), one for
// the people (GET /users). Refreshes every 30 s while the tab is shown.
import { api, ApiError } from './api.js';
import { team, technicians } from './team.js';
import {
  STATUS, Loading, Problem, addDays, announce, dayLong, hourOf, html, setZone, time, tone,
  useEffect, useRef, useState,
} from './ui.js';

const REFRESH_MS = 30000;
const ROW_REM = 8.25;
// The confirmation state, short enough for a block.
const BRIEF = { pending: 'Pending', confirmed: 'Confirmed', rejected: 'Rejected', unconfirmed: 'Unconfirmed' };

function AssignMenu({ visit, techs, onPick, busy }) {
  const [open, setOpen] = useState(false);
  const button = useRef(null);
  const list = useRef(null);
  const who = visit.customer ? visit.customer.name : 'this visit';
  const choices = [...techs.filter((t) => t.id !== visit.technician_id).map((t) => [t.id, t.name]),
    ...(visit.technician_id ? [[null, 'Unassign']] : [])];
  useEffect(() => { if (open && list.current) list.current.querySelector('[role=menuitem]').focus(); }, [open]);
  const close = () => { setOpen(false); button.current.focus(); };
  function onKey(e) {
    const items = [...list.current.querySelectorAll('[role=menuitem]')];
    const i = items.indexOf(document.activeElement);
    const go = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: items.length - 1 }[e.key];
    if (go !== undefined) { e.preventDefault(); items[(go + items.length) % items.length].focus(); }
    if (e.key === 'Escape' || e.key === 'Tab') { e.preventDefault(); close(); }
  }
  return html`<div class="menu-wrap">
    <button type="button" ref=${button} id=${`assign-${visit.id}`} class="small" aria-haspopup="menu"
      aria-expanded=${open ? 'true' : 'false'} disabled=${busy} onClick=${() => setOpen(!open)}
      aria-label=${`${visit.technician_id ? 'Reassign' : 'Assign'} ${who}, ${time(visit.window_start)}`}>
      ${visit.technician_id ? 'Reassign' : 'Assign'}</button>
    ${open && html`<ul role="menu" ref=${list} class="menu" aria-label=${`Assign ${who} to`} onKeyDown=${onKey}>
      ${choices.map(([id, name]) => html`<li role="none" key=${id || 'none'}>
        <button type="button" role="menuitem" tabindex="-1" onClick=${() => { setOpen(false); onPick(visit, id, name); }}>
          ${name}</button></li>`)}</ul>`}
  </div>`;
}

function Block({ visit, from, span, row, techs, onPick, busy }) {
  const start = Math.max(hourOf(visit.window_start), from);
  const end = Math.min(Math.max(hourOf(visit.window_end), start + 0.5), from + span);
  const style = { left: `${((start - from) / span) * 100}%`, width: `${((end - start) / span) * 100}%`,
    top: `${row * ROW_REM}rem` };
  const status = visit.job.status === 'new_offer' ? STATUS.new_offer : STATUS[visit.status];
  const name = visit.customer ? visit.customer.name : 'Customer';
  return html`<div class=${`visit tone-${tone(visit.job.status, visit.status)}`} style=${style}
      data-appointment=${visit.id}>
    <p class="visit-head"><span class="status">${status}</span>
      ${visit.late && html` <span class="late" title="The technician is past the window">Late</span>`}</p>
    <p><a href=${`#/job/${visit.job.id}`}>${name}</a></p>
    <p class="muted">${span_(visit.window_start, visit.window_end)}</p>
    <p>${BRIEF[visit.confirmation] || visit.confirmation}</p>
    ${visit.eta && html`<p><strong>ETA ${time(visit.eta)}</strong></p>`}
    ${visit.editable && html`<${AssignMenu} visit=${visit} techs=${techs} onPick=${onPick} busy=${busy} />`}
  </div>`;
}

/** "12:00–2:00 PM": the first half's AM/PM left out when both halves share it, so a block's line fits. */
function span_(start, end) {
  const [a, b] = [time(start), time(end)];
  const same = a.slice(-2) === b.slice(-2);
  return `${same ? a.slice(0, -3) : a}–${b}`;
}

/** Visits of one lane in sub-rows, so that overlapping windows never hide each other. */
function stack(visits) {
  const ends = [];
  return visits.map((v) => {
    const s = new Date(v.window_start).getTime();
    let row = ends.findIndex((end) => end <= s);
    if (row < 0) row = ends.length;
    ends[row] = new Date(v.window_end).getTime();
    return [v, row];
  });
}

export function Board({ day, changed }) {
  const [data, setData] = useState(null);
  const [users, setUsers] = useState([]);
  const [error, setError] = useState(null);
  const [saveError, setSaveError] = useState(null);
  const [busy, setBusy] = useState(false);
  const shown = useRef(day);
  shown.current = day;

  async function load() {
    try {
      const [board, people] = await Promise.all([
        api('GET', `/appointments${day ? `?date=${day}` : ''}`), team()]);
      if (shown.current !== day) return;
      setZone(board.time_zone);
      setUsers(people);
      setData(board);
      setError(null);
    } catch (e) { setError(e); }
  }
  useEffect(() => {
    setData(null);
    load();
    const timer = setInterval(() => { if (!document.hidden && !document.querySelector('.menu')) load(); },
      REFRESH_MS);
    const onShow = () => { if (!document.hidden) load(); };
    document.addEventListener('visibilitychange', onShow);
    return () => { clearInterval(timer); document.removeEventListener('visibilitychange', onShow); };
  }, [day]);

  async function assign(visit, technicianId, name) {
    setBusy(true);
    setSaveError(null);
    const who = visit.customer ? visit.customer.name : 'The visit';
    try {
      await api('PATCH', `/appointments/${visit.id}`, { technician_id: technicianId }, { ifMatch: visit.version });
      announce(technicianId ? `${who} is assigned to ${name}.` : `${who} is unassigned.`);
      changed();
    } catch (e) {
      const text = e.code === 'version_conflict'
        ? `Not saved: this visit was changed by someone else meanwhile (${e.message}). The board is reloaded: check it and try again.`
        : `Not saved: ${e.message}`;
      setSaveError(new ApiError(e.status, e.code, text));
      announce(text);
    } finally {
      setBusy(false);
    }
    await load();
    const again = document.getElementById(`assign-${visit.id}`);
    if (again) again.focus();
  }

  if (error && !data) return html`<h1 tabindex="-1">Day board</h1><${Problem} error=${error} retry=${load} />`;
  if (!data) return html`<h1 tabindex="-1">Day board</h1><${Loading} what="the day" />`;
  const techs = technicians(users);
  const lanes = [...techs.map((t) => ({ id: t.id, name: t.name })), { id: null, name: 'Unassigned' }];
  for (const v of data.items) { // a visit of someone no longer active still shows, in their own lane
    if (v.technician_id && !lanes.some((l) => l.id === v.technician_id)) {
      const u = users.find((x) => x.id === v.technician_id);
      lanes.splice(lanes.length - 1, 0, { id: v.technician_id, name: u ? `${u.name} (inactive)` : 'Former technician' });
    }
  }
  const starts = data.items.map((v) => Math.floor(hourOf(v.window_start)));
  const ends = data.items.map((v) => Math.ceil(hourOf(v.window_end) || 24));
  const from = Math.min(7, ...starts);
  const to = Math.max(19, ...ends.map((e, i) => (e <= starts[i] ? 24 : e)));
  const span = to - from;
  const hours = Array.from({ length: span }, (_, i) => from + i);
  const label = (h) => `${((h + 11) % 12) + 1} ${h < 12 || h === 24 ? 'AM' : 'PM'}`;
  return html`<div class="board-head">
      <h1 tabindex="-1">Day board <span class="muted">${dayLong(data.date)}</span></h1>
      <div class="day-nav">
        <a class="button" href=${`#/board/${addDays(data.date, -1)}`}>← Previous day</a>
        <a class="button" href="#/board">Today</a>
        <a class="button" href=${`#/board/${addDays(data.date, 1)}`}>Next day →</a>
        <label>Go to day <input type="date" value=${data.date}
          onChange=${(e) => { if (e.target.value) location.hash = `#/board/${e.target.value}`; }} /></label>
      </div>
    </div>
    <p class="muted">${data.items.length} ${data.items.length === 1 ? 'visit' : 'visits'} · times in ${data.time_zone} · refreshes every 30 seconds</p>
    ${error && html`<${Problem} error=${error} />`}
    ${saveError && html`<${Problem} error=${saveError} />`}
    <div class="board" role="region" aria-label="Visits by technician">
      <div class="lane axis" aria-hidden="true"><div class="lane-name"></div><div class="track">
        ${hours.map((h) => html`<span key=${h} class="hour" style=${{ left: `${((h - from) / span) * 100}%` }}>${label(h)}</span>`)}
      </div></div>
      ${lanes.map((lane) => {
        const mine = stack(data.items.filter((v) => (v.technician_id || null) === lane.id));
        const rows = Math.max(1, ...mine.map(([, r]) => r + 1));
        return html`<section class="lane" key=${lane.id || 'unassigned'} aria-label=${lane.name}>
          <h2 class="lane-name">${lane.name}<span class="muted"> · ${mine.length}</span></h2>
          <div class="track" style=${{ height: `${rows * ROW_REM + 0.25}rem` }}>
            ${mine.map(([v, row]) => html`<${Block} key=${v.id} visit=${v} from=${from} span=${span} row=${row}
              techs=${techs} onPick=${assign} busy=${busy} />`)}
          </div></section>`;
      })}
    </div>`;
}
