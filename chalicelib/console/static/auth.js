// Signing in. Local stage: pick one of the demo users (GET /dev/demo). Deployed: Cognito's hosted sign-in,
// authorization code with PKCE; the ID token (it carries custom:org_id and the groups) is the bearer token.
import { api, setToken, signOut, base, config, signedIn, whenSignedOut } from './api.js';
import { html, useState, useEffect, Loading, Problem, announce } from './ui.js';

const VERIFIER = `onmyway.${config.app}.pkce`;
const redirectUri = () => new URL(config.app, base).href; // the app's own address: console or tech

function b64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_')
    .replace(/=+$/, '');
}

async function hostedSignIn() {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  sessionStorage.setItem(VERIFIER, verifier);
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const url = new URL('/oauth2/authorize', config.domain);
  Object.entries({ response_type: 'code', client_id: config.client_id, redirect_uri: redirectUri(),
    scope: 'openid email profile', code_challenge_method: 'S256', code_challenge: challenge })
    .forEach(([k, v]) => url.searchParams.set(k, v));
  location.assign(url.href);
}

/** Back from the hosted sign-in with ?code=: trade it (and the verifier) for tokens. */
export async function finishHostedSignIn() {
  const code = new URLSearchParams(location.search).get('code');
  if (config.mode !== 'cognito' || !code) return false;
  const verifier = sessionStorage.getItem(VERIFIER);
  sessionStorage.removeItem(VERIFIER);
  history.replaceState(null, '', redirectUri());
  const response = await fetch(new URL('/oauth2/token', config.domain), {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.client_id, code,
      redirect_uri: redirectUri(), code_verifier: verifier || '' }),
  });
  if (!response.ok) throw new Error('The sign-in could not be completed: please sign in again.');
  setToken((await response.json()).id_token);
  return true;
}

export function signOutEverywhere() {
  signOut('You are signed out.');
  if (config.mode === 'cognito') {
    const url = new URL('/logout', config.domain);
    url.searchParams.set('client_id', config.client_id);
    url.searchParams.set('logout_uri', redirectUri());
    location.assign(url.href);
  }
}

function LocalUsers({ onSignedIn }) {
  const [demo, setDemo] = useState(null);
  const [error, setError] = useState(null);
  const load = () => {
    setError(null);
    api('GET', '/dev/demo', undefined, { auth: false }).then(setDemo, setError);
  };
  useEffect(load, []);
  if (error) return html`<${Problem} error=${error} retry=${load} />`;
  if (!demo) return html`<${Loading} what="the local users" />`;
  const users = demo.users.filter((u) => !config.role || u.roles.includes(config.role)); // the app's users
  return html`<p>Local stage: choose whom to sign in as (${demo.org.name}).</p>
    <ul class="user-list">${users.map((u) => html`<li key=${u.id}>
      <button type="button" onClick=${() => { setToken(u.token); onSignedIn(); }}>
        Sign in as ${u.name} <span class="muted">(${u.roles.join(', ')})</span></button></li>`)}</ul>`;
}

export function SignIn({ reason, onSignedIn, title = 'OnMyWay dispatcher console' }) {
  return html`<main id="main" class="sign-in" tabindex="-1">
    <h1>${title}</h1>
    ${reason && html`<p class="notice">${reason}</p>`}
    ${config.mode === 'local'
      ? html`<${LocalUsers} onSignedIn=${onSignedIn} />`
      : html`<button type="button" class="primary" onClick=${hostedSignIn}>Sign in</button>`}
  </main>`;
}

// Either app behind its sign-in: signed out (sign-out, an expired token, a deactivated user's 401) shows the
// sign-in again with the reason, announced.
export function SignedIn({ app: App, title }) {
  const [state, setState] = useState({ in: signedIn(), reason: null });
  useEffect(() => {
    whenSignedOut((reason) => { setState({ in: false, reason }); announce(reason); });
    finishHostedSignIn().then((done) => { if (done) setState({ in: true, reason: null }); },
      (e) => setState({ in: false, reason: e.message }));
  }, []);
  if (!state.in) return html`<${SignIn} title=${title} reason=${state.reason} onSignedIn=${() => setState({ in: true, reason: null })} />`;
  return html`<${App} />`;
}
