// The service worker (/sw.js, scope /): rings by push when no Dialtone page is open, answers and
// declines from the notification, and serves the offline page when the network is gone. The
// page registers it as /sw.js?lang=<locale>, which is how it knows the user's language.
import { DEFAULT_LOCALE, TRANSLATIONS, matchLocale } from '../../src/i18n/locale.js';
import {
  callToDecline,
  isPushPayload,
  pageFor,
  showIncomingCall,
  showRingEnded,
} from './call-notifications.js';

declare const self: ServiceWorkerGlobalScope;

const locale = matchLocale(new URL(self.location.href).searchParams.get('lang')) ?? DEFAULT_LOCALE;
const ui = TRANSLATIONS[locale].ui;
const SHELL_CACHE = `dialtone-shell-v1-${locale}`;
const OFFLINE_PAGE = `/offline?lang=${locale}`;
/** What the offline page needs, fetched at install so that it shows without a network. */
const SHELL = [OFFLINE_PAGE, '/css/app.css', '/icons/icon.svg', '/icons/icon-192.png'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      await cache.addAll(SHELL);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name !== SHELL_CACHE) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

/**
 * Network first, always: pages and the API are live data. Only when the network fails does a
 * page navigation get the offline page, and the offline page its stylesheet and icons.
 */
self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') {
    return;
  }
  const path = new URL(request.url).pathname;
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => fromShell(OFFLINE_PAGE)));
  } else if (SHELL.includes(path)) {
    event.respondWith(fetch(request).catch(() => fromShell(path)));
  }
});

async function fromShell(path: string): Promise<Response> {
  const cached = await caches.match(path, { cacheName: SHELL_CACHE });
  return cached ?? Response.error();
}

self.addEventListener('push', (event) => {
  let payload: unknown;
  try {
    payload = event.data?.json();
  } catch {
    payload = undefined;
  }
  if (!isPushPayload(payload)) {
    return;
  }
  event.waitUntil(
    payload.type === 'call'
      ? showIncomingCall(self.registration, payload, ui)
      : showRingEnded(self.registration, payload, ui),
  );
});

self.addEventListener('notificationclick', (event) => {
  const { notification, action } = event;
  const data: unknown = notification.data;
  notification.close();
  const declined = callToDecline(data, action);
  if (declined) {
    // Declined without opening a page: the cookie authenticates the request.
    event.waitUntil(
      fetch(`/calls/${encodeURIComponent(declined)}/decline`, {
        method: 'POST',
        credentials: 'same-origin',
      }).then(
        () => undefined,
        () => undefined,
      ),
    );
    return;
  }
  event.waitUntil(openPage(pageFor(data, action)));
});

/** Focuses an open Dialtone window (taking it to `url`), or opens one. */
async function openPage(url: string): Promise<void> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).pathname.startsWith('/webrtc/'));
  if (open) {
    const focused = await open.focus();
    if (url !== '/') {
      await focused.navigate(url);
    }
    return;
  }
  await self.clients.openWindow(url);
}
