// The console's frame: sign-in gate, navigation with the work waiting in each list, and the screens by URL
// hash (#/board/<day>, #/job/<id>, #/queue/<name>, #/inbox, #/offers, #/new, #/analytics/<range>, #/settings/<part>,
// #/team).
import { render } from './htm-preact-3.1.1.js';
import { api, claims } from './api.js';
import { SignedIn, signOutEverywhere } from './auth.js';
import { Board } from './board.js';
import { JobScreen } from './job.js';
import { NewJob } from './new.js';
import { Inbox, Offers, Queue } from './work.js';
import { Loading, Problem, QUEUES, html, setZone, useEffect, useState } from './ui.js';
import { team } from './team.js';

function route() {
  const [screen = 'board', arg = null] = location.hash.replace(/^#\/?/, '').split('/');
  return { screen, arg: arg && decodeURIComponent(arg) };
}

const NAV = [['board', 'Day board'], ...Object.entries(QUEUES).map(([k, v]) => [`queue/${k}`, `${v} queue`]),
  ['inbox', 'Inbox'], ['offers', 'New offers'], ['new', 'New job'], ['analytics', 'Analytics'],
  ['settings/scenarios', 'Messages'], ['settings/places', 'Locations and hours'], ['settings/channels', 'Channels'],
  ['team', 'Team']];

// The screens imported when first opened (a dynamic import()): their code stays out of the first load.
const LAZY = {
  analytics: ['Analytics', 'the analytics', () => import('./analytics.js').then((m) => m.Analytics)],
  'settings/scenarios': ['Messages', 'the message settings', () => import('./settings.js').then((m) => m.Scenarios)],
  'settings/places': ['Locations and hours', 'the locations', () => import('./places.js').then((m) => m.Places)],
  'settings/channels': ['Channels', 'the channels', () => import('./settings.js').then((m) => m.Channels)],
  team: ['Team', 'the team', () => import('./people.js').then((m) => m.Team)],
};

function Lazy({ which, arg }) {
  const [title, what, load] = LAZY[which];
  const [screen, setScreen] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    load().then((m) => setScreen(() => m),
      () => setError(new Error(`${title} could not be loaded. Check the connection and reload the page.`)));
  }, []);
  useEffect(() => { // the screen's own heading replaces the placeholder's: the focus follows it
    const heading = document.querySelector('main h1');
    if (screen && heading) heading.focus();
  }, [screen]);
  if (error) return html`<h1 tabindex="-1">${title}</h1><${Problem} error=${error} />`;
  return screen ? html`<${screen} arg=${arg} />` : html`<h1 tabindex="-1">${title}</h1><${Loading} what=${what} />`;
}

async function counts() {
  const found = {};
  await Promise.all([
    ...Object.keys(QUEUES).map(async (name) => {
      const page = await api('GET', `/queues/${name}?limit=100`);
      found[`queue/${name}`] = page.items.length + (page.next_token ? '+' : '');
    }),
    api('GET', '/inbox?limit=100').then((page) => {
      found.inbox = page.items.filter((i) => !i.read).length + (page.next_token ? '+' : '');
    }),
    api('GET', '/jobs?status=new_offer&limit=100').then((page) => {
      found.offers = page.items.length + (page.next_token ? '+' : '');
    }),
  ]);
  return found;
}

function Nav({ current, tally, me }) {
  return html`<nav aria-label="Console">
    <p class="brand">OnMyWay</p>
    <ul>${NAV.map(([href, label]) => {
      const n = tally[href];
      const here = current === href;
      return html`<li key=${href}><a href=${`#/${href}`} aria-current=${here ? 'page' : undefined}>${label}
        ${n !== undefined && html` <span class="count">${n}<span class="visually-hidden"> waiting</span></span>`}</a></li>`;
    })}</ul>
    <p class="me">Signed in as ${me || '…'}</p>
    <button type="button" onClick=${signOutEverywhere}>Sign out</button>
  </nav>`;
}

function Console() {
  const [where, setWhere] = useState(route());
  const [tally, setTally] = useState({});
  const [me, setMe] = useState(null);
  const [, setZoned] = useState(null); // a zone learnt: every screen's times drawn again in it
  const refreshCounts = () => counts().then(setTally, () => {});
  useEffect(() => {
    const onHash = () => setWhere(route());
    window.addEventListener('hashchange', onHash);
    onHash(); // a change between the first render and now
    team().then((users) => {
      const mine = users.find((u) => u.id === claims().sub);
      setMe(mine ? mine.name : claims()['cognito:username']);
    }, () => {});
    // Every screen's times are the organization's: asked once, whatever the first screen is (a job opened from a
    // link, or a queue opened before the board's answer came), and every screen drawn again in it.
    api('GET', '/organization').then((org) => { setZone(org.time_zone); setZoned(org.time_zone); }, () => {});
    refreshCounts();
    const timer = setInterval(() => { if (!document.hidden) refreshCounts(); }, 30000);
    return () => { window.removeEventListener('hashchange', onHash); clearInterval(timer); };
  }, []);
  useEffect(() => { // a new screen: its heading takes the focus, as a page load would
    const heading = document.querySelector('main h1');
    if (heading) heading.focus();
  }, [where.screen, where.arg]);
  // After a change: the counts now, and again once the stream has moved the queues (a second or two later).
  const changed = () => { refreshCounts(); setTimeout(refreshCounts, 3000); };
  const { screen, arg } = where;
  let body;
  if (screen === 'job' && arg) body = html`<${JobScreen} id=${arg} changed=${changed} />`;
  else if (screen === 'queue' && QUEUES[arg]) body = html`<${Queue} name=${arg} changed=${changed} />`;
  else if (screen === 'inbox') body = html`<${Inbox} changed=${changed} />`;
  else if (screen === 'offers') body = html`<${Offers} changed=${changed} />`;
  else if (screen === 'new') body = html`<${NewJob} changed=${changed} />`;
  const current = screen === 'queue' || screen === 'settings' ? `${screen}/${arg}` : screen;
  if (LAZY[current]) body = html`<${Lazy} key=${current} which=${current} arg=${arg} />`;
  else if (!body) body = html`<${Board} day=${screen === 'board' ? arg : null} changed=${changed} />`;
  return html`<a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
    <div class="frame"><${Nav} current=${current} tally=${tally} me=${me} />
    <main id="main" tabindex="-1">${body}</main></div>
    <p id="toast" class="toast" aria-hidden="true"></p>`;
}


const root = document.getElementById('app');
root.textContent = ''; // the shell's loading line
render(html`<${SignedIn} app=${Console} />`, root);
