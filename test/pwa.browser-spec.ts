// Issue 21: the installable app (manifest, icons, service worker, offline page) and the service
// worker's push handling, driven in Chromium through CDP (ServiceWorker.deliverPushMessage fires
// the real `push` handler; Chromium cannot subscribe to a push service without Google's servers).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  type BrowserContext,
  type CDPSession,
  chromium,
  type Page,
  type Worker,
} from 'playwright-core';
import { en } from '../src/i18n/en.js';
import { format } from '../src/i18n/translation.js';
import { zhCN } from '../src/i18n/zh-cn.js';
import { CallPushNotifier } from '../src/push/call-push-notifier.js';
import type { PushPayload } from '../src/push/push-payload.js';
import { browserSuite } from './browser/browser-suite.js';
import { CallPageDriver } from './browser/call-page-driver.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './browser/chromium.js';
import { eventually } from './browser/eventually.js';
import { call } from './support/http.js';
import { createUser } from './support/test-app.js';

interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  requireInteraction: boolean;
  actions: string[];
}

/** The width and height a PNG's IHDR chunk declares. */
function pngSize(bytes: Buffer): [number, number] {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('the installable app and its service worker', () => {
  const suite = browserSuite();

  /** Logged in on the call page, with the service worker active and controlling the page. */
  async function installed(options: Parameters<typeof suite.newContext>[0] = {}) {
    const context = await suite.newContext(options);
    const { username, password } = await createUser(suite.app.baseUrl, 'bob');
    const driver = await CallPageDriver.logIn(context, suite.app.baseUrl, { username, password });
    await driver.page.evaluate('navigator.serviceWorker.ready.then(() => true)');
    const worker = await eventually(() => {
      const found = context.serviceWorkers().find((w) => w.url().includes('/sw.js'));
      if (!found) {
        throw new Error('no service worker yet');
      }
      return found;
    });
    return { context, page: driver.page, username, worker };
  }

  it('the manifest: name, standalone, start_url, theme colours and the 192/512/maskable icons', async () => {
    const reply = await call(suite.app.baseUrl, 'GET', '/manifest.webmanifest');
    expect(reply.status).toBe(200);
    const manifest = reply.json<{
      name: string;
      short_name: string;
      start_url: string;
      display: string;
      theme_color: string;
      background_color: string;
      icons: { src: string; sizes: string; type: string; purpose?: string }[];
    }>();
    expect(manifest).toMatchObject({
      name: 'Dialtone',
      short_name: 'Dialtone',
      start_url: '/',
      display: 'standalone',
      theme_color: expect.stringMatching(/^#[0-9a-f]{6}$/i),
      background_color: expect.stringMatching(/^#[0-9a-f]{6}$/i),
    });
    const wanted = [
      ['192x192', undefined],
      ['512x512', undefined],
      ['512x512', 'maskable'],
    ] as const;
    for (const [sizes, purpose] of wanted) {
      const icon = manifest.icons.find((i) => i.sizes === sizes && i.purpose === purpose);
      expect(icon).toBeDefined();
      const image = await fetch(`${suite.app.baseUrl}${icon?.src ?? ''}`);
      expect([icon?.src, image.status, image.headers.get('content-type')]).toStrictEqual([
        icon?.src,
        200,
        'image/png',
      ]);
      const [width, height] = pngSize(Buffer.from(await image.arrayBuffer()));
      expect(`${width}x${height}`).toBe(sizes);
    }
    // start_url "/" is the user's own call page; the layout has light and dark theme colours.
    const { username, token } = await createUser(suite.app.baseUrl, 'start');
    const start = await call(suite.app.baseUrl, 'GET', '/', { cookie: token });
    expect([start.status, start.headers.get('location')]).toStrictEqual([
      302,
      `/webrtc/${username}`,
    ]);
    const login = await call(suite.app.baseUrl, 'GET', '/login');
    expect(login.text).toMatch(/name="theme-color"[^>]*media="\(prefers-color-scheme: dark\)"/);
  });

  it('is installable in Chromium: no installability errors with the service worker in place', async () => {
    // Playwright's contexts are incognito, where nothing installs: a real profile folder.
    const profile = mkdtempSync(join(tmpdir(), 'dialtone-pwa-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    });
    try {
      const { username, password } = await createUser(suite.app.baseUrl, 'install');
      const driver = await CallPageDriver.logIn(context, suite.app.baseUrl, { username, password });
      await driver.page.evaluate('navigator.serviceWorker.ready.then(() => true)');
      const cdp = await context.newCDPSession(driver.page);
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
        installabilityErrors: { errorId: string }[];
      };
      expect(installabilityErrors).toStrictEqual([]);
      const { url } = (await cdp.send('Page.getAppManifest')) as { url: string };
      expect(url).toBe(`${suite.app.baseUrl}/manifest.webmanifest`);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('opened offline, shows the translated offline page instead of the browser’s error', async () => {
    for (const [locale, ui] of [
      ['en', en.ui],
      ['zh-CN', zhCN.ui],
    ] as const) {
      const { context, page, username } = await installed({ locale });
      await context.setOffline(true);
      await page.goto(`${suite.app.baseUrl}/webrtc/${username}`);
      await expect(page.locator('h1').innerText()).resolves.toBe(ui.offlineTitle);
      await expect(page.locator('main p').first().innerText()).resolves.toBe(ui.offlineText);
      // Styled: the stylesheet came from the service worker's cache too.
      const styled = await page.evaluate<number>('document.styleSheets[0]?.cssRules.length ?? 0');
      expect(styled).toBeGreaterThan(0);
      await context.setOffline(false);
    }
  });

  it('a page opened by Accept for a call that no longer rings says so (and forgets ?answer=)', async () => {
    const context = await suite.newContext();
    const { username, password } = await createUser(suite.app.baseUrl, 'late');
    const driver = await CallPageDriver.logIn(context, suite.app.baseUrl, { username, password });
    await driver.page.goto(`${suite.app.baseUrl}/?answer=${randomUUID()}`);
    await eventually(
      async () => expect(await driver.statusText()).toBe(en.ui.callNoLongerRinging),
      15_000,
    );
    expect(new URL(driver.page.url()).pathname).toBe(`/webrtc/${username}`);
    expect(new URL(driver.page.url()).searchParams.has('answer')).toBe(false);
  });

  describe('push (CDP ServiceWorker.deliverPushMessage)', () => {
    const ringFromAlice = (callId: string, displayName: string): PushPayload => ({
      type: 'call',
      callId,
      from: { username: 'alice', displayName },
      expiresAt: Date.now() + 30_000,
    });

    async function pushTo(context: BrowserContext, page: Page) {
      await context.grantPermissions(['notifications'], { origin: suite.app.baseUrl });
      const cdp: CDPSession = await context.newCDPSession(page);
      const registrations: { registrationId: string; scopeURL: string }[] = [];
      cdp.on(
        'ServiceWorker.workerRegistrationUpdated',
        (event: { registrations: typeof registrations }) =>
          registrations.push(...event.registrations),
      );
      await cdp.send('ServiceWorker.enable');
      const registrationId = await eventually(() => {
        const found = registrations.find((r) => r.scopeURL === `${suite.app.baseUrl}/`);
        if (!found) {
          throw new Error('no registration reported yet');
        }
        return found.registrationId;
      });
      return (payload: PushPayload) =>
        cdp.send('ServiceWorker.deliverPushMessage', {
          origin: suite.app.baseUrl,
          registrationId,
          data: JSON.stringify(payload),
        });
    }

    /** The notifications the service worker shows (with `tag`, only that call's). */
    const shown = (worker: Worker, tag?: string): Promise<ShownNotification[]> =>
      worker.evaluate<ShownNotification[]>(`
        self.registration.getNotifications(${JSON.stringify(tag ? { tag } : {})}).then((list) =>
          list.map((n) => ({
            title: n.title,
            body: n.body,
            tag: n.tag,
            requireInteraction: n.requireInteraction,
            actions: (n.actions || []).map((a) => a.action),
          })),
        )`);

    it('shows "Incoming call from Alice" with Accept and Decline; call_ended turns it into a missed call', async () => {
      const { context, page, worker } = await installed();
      const deliver = await pushTo(context, page);
      const callId = randomUUID();
      await deliver(ringFromAlice(callId, 'Alice Liddell'));
      expect(
        await eventually(async () => {
          const list = await shown(worker, callId);
          expect(list).toHaveLength(1);
          return list;
        }),
      ).toStrictEqual([
        {
          title: format(en.ui.pushIncoming, { peer: 'Alice Liddell' }),
          body: format(en.ui.pushIncomingBody, { username: 'alice' }),
          tag: callId,
          requireInteraction: true,
          actions: ['accept', 'decline'],
        },
      ]);
      await deliver({ type: 'call_ended', callId, reason: 'timeout' });
      expect(
        await eventually(async () => {
          const list = await shown(worker, callId);
          expect(list[0]?.title).toBe(format(en.ui.pushMissed, { peer: 'Alice Liddell' }));
          return list;
        }),
      ).toStrictEqual([
        {
          title: format(en.ui.pushMissed, { peer: 'Alice Liddell' }),
          body: '',
          tag: callId,
          requireInteraction: false,
          actions: [],
        },
      ]);
    });

    it('a ring answered elsewhere or declined just goes; a name-less sender shows @username', async () => {
      const { context, page, worker } = await installed();
      const deliver = await pushTo(context, page);
      const callId = randomUUID();
      await deliver(ringFromAlice(callId, ''));
      await eventually(async () =>
        expect((await shown(worker, callId)).map((n) => n.title)).toStrictEqual([
          format(en.ui.pushIncoming, { peer: '@alice' }),
        ]),
      );
      await deliver({ type: 'call_ended', callId, reason: 'answered_elsewhere' });
      await eventually(async () => expect(await shown(worker, callId)).toStrictEqual([]));
    });

    it('Decline declines the call with the cookie, without opening a page', async () => {
      const { context, page, worker, username } = await installed();
      const deliver = await pushTo(context, page);
      const notifier = suite.app.app.get(CallPushNotifier);
      const declined: string[] = [];
      const callId = randomUUID();
      notifier.attach({
        isRinging: (id, callee) => id === callId && callee === username,
        decline: (id, callee) => {
          declined.push(`${id} ${callee}`);
          return true;
        },
      });
      notifier.ring({
        callId,
        from: { username: 'alice', displayName: 'Alice' },
        to: username,
        expiresAt: Date.now() + 30_000,
      });
      await deliver(ringFromAlice(callId, 'Alice'));
      await eventually(async () => expect(await shown(worker, callId)).toHaveLength(1));
      const pagesBefore = context.pages().length;
      // A synthetic click on the notification's Decline, dispatched in the service worker.
      await worker.evaluate(`
        self.registration.getNotifications({ tag: ${JSON.stringify(callId)} }).then(([notification]) => {
          self.dispatchEvent(new NotificationEvent('notificationclick', { notification, action: 'decline' }));
        })`);
      await eventually(() => expect(declined).toStrictEqual([`${callId} ${username}`]));
      await eventually(async () => expect(await shown(worker, callId)).toStrictEqual([]));
      expect(context.pages().length).toBe(pagesBefore);
    });
  });
});
