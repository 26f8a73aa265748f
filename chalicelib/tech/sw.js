// The technician's app's service worker: the shell and this version's assets are kept on the phone, so the
// app opens with no signal. The shell is asked of the network first (it names the newest version), the
// versioned assets of the cache first (they never change). API calls are never cached here.
const VERSION = '{{version}}';
const ASSETS = {{assets}};
const CACHE = `onmyway-tech-${VERSION}`;
const scope = new URL(self.registration.scope);
const SHELL = scope.href;
const prefix = new URL(`tech/${VERSION}/`, new URL('.', SHELL)).href;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll([SHELL, ...ASSETS.map((name) => prefix + name)]))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('onmyway-tech-') && k !== CACHE)
      .map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  url.search = '';
  if (url.href === SHELL) {
    event.respondWith(fetch(request).catch(() => caches.match(SHELL)));
  } else if (url.href.startsWith(prefix)) {
    event.respondWith(caches.match(url.href).then((hit) => hit || fetch(request)));
  }
});
