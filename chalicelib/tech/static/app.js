// The technician's app: sign-in gate, the day in route order (#/ or #/day/<date>) and a visit
// (#/visit/<date>/<appointment id>). While a visit of the day is en route and the app is open, the phone's
// position goes to the API at most every 30 s (the screen says so).
import { render } from './htm-preact-3.1.1.js';
import { api } from './api.js';
import { SignedIn, signOutEverywhere } from './auth.js';
import { html, useEffect, useState, announce, setZone } from './ui.js';
import { Day, useInbox } from './day.js';
import { Visit } from './visit.js';
import { flush, onChange, waiting } from './waiting.js';

const EVERY_MS = 30000;

function route() {
  const [screen = 'day', a = null, b = null] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return screen === 'visit' && b ? { screen, date: a, id: b } : { screen: 'day', date: a || null };
}

/** The day as the API has it (and as it was last read, when there is no signal). */
function useDay(date) {
  const [day, setDay] = useState(null);
  const [error, setError] = useState(null);
  const load = () => {
    setError(null);
    return api('GET', `/technicians/me/appointments${date ? `?date=${date}` : ''}`).then((found) => {
      setZone(found.time_zone);
      setDay({ ...found, skew: Date.parse(found.now) - Date.now() });
    }, setError);
  };
  useEffect(() => { setDay(null); load(); }, [date]);
  return { day, error, load };
}

/** The phone's position, sent while `on` and the page is shown; no more than once every 30 s. */
function useSharing(on) {
  const [state, setState] = useState(null);
  useEffect(() => {
    if (!on) return undefined;
    if (!navigator.geolocation) { setState('This phone cannot tell its position.'); return undefined; }
    let last = 0;
    const watch = navigator.geolocation.watchPosition((p) => {
      if (document.hidden || Date.now() - last < EVERY_MS) return;
      last = Date.now();
      const { latitude: lat, longitude: lon, heading, speed } = p.coords;
      api('PUT', '/technicians/me/location', { lat, lon, heading: Number.isFinite(heading) ? heading % 360 : null,
        speed: Number.isFinite(speed) ? Math.min(speed, 100) : null })
        .then(() => setState('sent'), () => setState('The position could not be sent: it is tried again in 30 s.'));
    }, () => setState('The position is not available: allow it in the browser to show the customer where you are.'),
    { enableHighAccuracy: true, maximumAge: 10000 });
    return () => navigator.geolocation.clearWatch(watch);
  }, [on]);
  if (!on) return null;
  return html`<p class="sharing" role="note">Sharing your position with the customer while you are en route and this
    app is open (at most every 30 s).${state && state !== 'sent' ? html` <strong>${state}</strong>` : ''}</p>`;
}

/** What waits for a signal, on every screen; the day is read again once it has all gone. */
function Waiting({ sent }) {
  const [items, setItems] = useState(waiting());
  useEffect(() => onChange((now) => {
    setItems(now);
    if (now.length === 0) sent();
  }), [sent]);
  useEffect(() => { flush().catch((e) => announce(`Not applied: ${e.message}`)); }, []);
  if (items.length === 0) return null;
  return html`<section class="waiting" aria-labelledby="h-waiting"><h2 id="h-waiting">Waiting for a signal
    (${items.length})</h2><p>Sent in this order as soon as the phone is back online.</p>
    <ol>${items.map((i) => html`<li key=${i.key}>${i.label}</li>`)}</ol></section>`;
}

function Tech() {
  const [where, setWhere] = useState(route());
  const { day, error, load } = useDay(where.date);
  const sharing = useSharing(Boolean(day && day.items.some((v) => v.status === 'en_route')));
  const inbox = useInbox(where.screen !== 'visit');
  useEffect(() => {
    const onHash = () => setWhere(route());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => { // a new screen: its heading takes the focus, as a page load would
    const heading = document.querySelector('main h1');
    if (heading) heading.focus();
  }, [where.screen, where.id, Boolean(day)]);
  const visit = where.screen === 'visit' && day && day.items.find((v) => v.id === where.id);
  return html`<header class="bar"><a href="#/" class="brand">OnMyWay</a>
      <button type="button" class="small" onClick=${signOutEverywhere}>Sign out</button></header>
    ${sharing}
    <${Waiting} sent=${load} />
    <main id="main" tabindex="-1">${where.screen === 'visit'
      ? html`<${Visit} visit=${visit} day=${day} error=${error} reload=${load} />`
      : html`<${Day} day=${day} error=${error} reload=${load} inbox=${inbox} />`}</main>`;
}


if ('serviceWorker' in navigator) navigator.serviceWorker.register('tech/sw.js', { scope: 'tech' }).catch(() => {});
const root = document.getElementById('app');
root.textContent = ''; // the shell's loading line
render(html`<${SignedIn} app=${Tech} title="OnMyWay for technicians" />`, root);
