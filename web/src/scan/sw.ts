/// <reference lib="webworker" />
/**
 * The scanner's service worker (scope /scan): keeps the scanner's shell (its page, scripts,
 * styles, decoder worker) so that a reload with no network still opens it. It answers only for
 * those files: API calls never pass through its cache, so no answer of the API is ever stored.
 * The build (web/scan-sw-plugin.ts) writes the file list and a version into this file.
 */
declare const __SCAN_PRECACHE__: string[];
declare const __SCAN_VERSION__: string;

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `scan-shell-${__SCAN_VERSION__}`;
const SHELL = new Set<string>(__SCAN_PRECACHE__);

const precache = () => caches.open(CACHE).then((cache) => cache.addAll([...SHELL]));

/** The API's paths (web/site-routes.ts apiPrefixes) as routes that go straight to the network. */
const API_ROUTES = ['/events/*', '/devices/*', '/webhooks/*', '/outbox/*', '/health', '/openapi.json'];

sw.addEventListener('install', (event) => {
  // Where the browser has static routing, API calls never wake this worker: a scan's request
  // must not wait for a service worker to start on a busy phone.
  const routed = event as ExtendableEvent & {
    addRoutes?(rules: { condition: { urlPattern: string }; source: 'network' }[]): Promise<void>;
  };
  const routes = routed.addRoutes
    ? routed.addRoutes(API_ROUTES.map((urlPattern) => ({ condition: { urlPattern }, source: 'network' }))).catch(() => undefined)
    : Promise.resolve();
  event.waitUntil(Promise.all([routes, precache()]).then(() => sw.skipWaiting()));
});

// A revoked device wipes every cache; the page then asks for the shell (never any data) again.
sw.addEventListener('message', (event) => {
  if (event.data === 'precache') event.waitUntil(precache());
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('scan-shell-') && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== sw.location.origin) return;
  const path = url.pathname === '/scan/' ? '/scan' : url.pathname;
  if (!SHELL.has(path)) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(path);
      if (hit) return hit;
      // Wiped (a revoked device clears its caches) or evicted: fetch it and keep it again.
      const fresh = await fetch(path);
      if (fresh.ok) await cache.put(path, fresh.clone());
      return fresh;
    }),
  );
});
