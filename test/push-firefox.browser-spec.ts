// Issue 21 end to end with a real browser's push stack: Firefox ESR subscribes through the call
// page's own switch to a local stand-in of Mozilla's push service, leaves Dialtone (no Dialtone
// page open), is rung by a caller, shows the notification from its service worker, and the page
// that Accept opens (/?answer=<callId>) answers the call at once; with the caller in Chromium,
// the two are then in a call with media flowing; a second ring is declined with the request the
// notification's Decline sends, and the caller hears it. (Headless Firefox has no notification to
// click: the test opens what Accept opens and sends what Decline sends. The click handler itself
// is driven in pwa.browser-spec.ts.)
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { en } from '../src/i18n/en.js';
import { format } from '../src/i18n/translation.js';
import type { PushDeviceDto } from '../src/push/dto/push-subscription.dto.js';
import { CallPageDriver } from './browser/call-page-driver.js';
import { launchChromium } from './browser/chromium.js';
import { eventually } from './browser/eventually.js';
import type { Firefox } from './browser/firefox.js';
import {
  type ShownNotification,
  launchPushFirefox,
  shownNotifications,
  subscribeToPush,
} from './browser/firefox-push.js';
import { call } from './support/http.js';
import { type MockAutopush, startMockAutopush } from './support/mock-autopush.js';
import { SessionRegistry } from '../src/signaling/session-registry.js';
import { SignalingClient } from './support/signaling-client.js';
import { createUser, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

describe('Web Push in Firefox, end to end', () => {
  let autopush: MockAutopush;
  let app: TestApp;
  let firefox: Firefox;
  /** Bob, subscribed in Firefox by the first test. */
  let bob: TestUser | undefined;

  beforeAll(async () => {
    autopush = await startMockAutopush();
    app = await startTestApp({ PUSH_ALLOWED_ENDPOINTS: autopush.origin, RING_TIMEOUT_MS: '30000' });
    firefox = await launchPushFirefox(autopush, {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      'browser.shell.checkDefaultBrowser': false,
    });
  });
  afterAll(async () => {
    await firefox?.close();
    await app?.close();
    await autopush?.close();
  });

  const notifications = () => shownNotifications(firefox);

  /**
   * Waits for the push after the `before` first ones, then reads, from a Dialtone page that is not
   * a call page, the one notification Firefox's service worker showed for it.
   */
  async function pushedNotification(before: number): Promise<ShownNotification> {
    await eventually(() => expect(autopush.pushes.length).toBe(before + 1), 15_000);
    await firefox.navigate(`${app.baseUrl}/offline`);
    return eventually(async () => {
      const list = await notifications();
      expect(list).toHaveLength(1);
      return list[0];
    }, 15_000);
  }

  it('subscribes from the settings switch, rings with no page open, and Accept answers', async () => {
    const user = await createUser(app.baseUrl, 'bob', 'Bob Builder');
    bob = user;
    // Logs in through the real form, turns the call page's switch on.
    expect(await subscribeToPush(firefox, app.baseUrl, user, autopush)).toBe(en.ui.pushOn);
    const devices = (
      await call(app.baseUrl, 'GET', '/push/subscriptions', { token: user.token })
    ).json<PushDeviceDto[]>();
    expect(devices.map((d) => [d.pushService, /Firefox/.test(d.userAgent)])).toStrictEqual([
      [autopush.origin, true],
    ]);

    // Bob leaves: no Dialtone page is open any more.
    await firefox.navigate('about:blank');
    const alice = await createUser(app.baseUrl, 'alice', 'Alice Liddell');
    const ws = await SignalingClient.connect(app.baseUrl, alice.token);
    ws.send({ type: 'call_start', toUser: user.username });
    const { callId } = await ws.next('ringing');
    await eventually(
      () => expect(autopush.pushes.map((p) => p.status)).toStrictEqual([201]),
      15_000,
    );

    // What the service worker showed, read from a Dialtone page that is not a call page.
    await firefox.navigate(`${app.baseUrl}/offline`);
    const shown = await eventually(async () => {
      const list = await notifications();
      expect(list).toHaveLength(1);
      return list;
    }, 15_000);
    expect(shown[0].title).toBe(format(en.ui.pushIncoming, { peer: 'Alice Liddell' }));
    expect(shown[0].tag).toBe(callId);
    expect(shown[0].actions).toStrictEqual(['accept', 'decline']);

    // Accept opens /?answer=<callId>: the page answers as soon as the call rings there.
    await firefox.navigate(`${app.baseUrl}/?answer=${callId}`);
    const answered = await ws.next('call_back', 20_000);
    expect([answered.msg, answered.callId]).toStrictEqual(['1', callId]);
    // The ring's end reached Firefox too: the notification is gone.
    await eventually(async () => expect(await notifications()).toStrictEqual([]), 15_000);
    ws.send({ type: 'hangup', toUser: user.username, callId });
    ws.close();
  });

  it('Alice rings from Chromium, Bob accepts in Firefox from the notification: media flows', async () => {
    assert.ok(bob, 'the first test subscribed Bob');
    const callee = bob;
    await firefox.navigate('about:blank');
    const chromium = await launchChromium();
    try {
      const context = await chromium.newContext();
      const alice = await createUser(app.baseUrl, 'alice', 'Alice Liddell');
      const page = await CallPageDriver.logIn(context, app.baseUrl, alice);
      const before = autopush.pushes.length;
      await page.dial(callee.username);
      await page.waitForCallState('ringing');
      const ringing = await pushedNotification(before);
      await firefox.navigate(`${app.baseUrl}/?answer=${ringing.tag}`);
      await page.waitForCallState('connected', 30_000);
      await page.waitForRemoteVideo(20_000);
      await page.waitForInboundGrowing('audio', 20_000);
      await page.hangUp();
    } finally {
      await chromium.close();
    }
  });
  it('a second ring is declined from Firefox, as its notification’s Decline does: Alice sees the decline', async () => {
    assert.ok(bob, 'the first test subscribed Bob');
    const callee = bob;
    await firefox.navigate('about:blank');
    const before = autopush.pushes.length;
    const alice = await createUser(app.baseUrl, 'alice', 'Alice Liddell');
    const ws = await SignalingClient.connect(app.baseUrl, alice.token);
    ws.send({ type: 'call_start', toUser: callee.username });
    const { callId } = await ws.next('ringing');
    const ringing = await pushedNotification(before);
    expect([ringing.tag, ringing.actions]).toStrictEqual([callId, ['accept', 'decline']]);
    // What the service worker's Decline sends (client/sw/service-worker.ts), with Firefox's own
    // cookie and no call page open; headless Firefox has no notification to click.
    const status = await firefox.evaluate<number>(
      `fetch('/calls/${ringing.tag}/decline', { method: 'POST', credentials: 'same-origin' })
        .then((response) => response.status)`,
    );
    expect(status).toBe(204);
    expect(await ws.next('call_back')).toMatchObject({ msg: '0', code: 'rejected', callId });
    // The ring's end reached Firefox: the notification goes.
    await eventually(async () => expect(await notifications()).toStrictEqual([]), 15_000);
    ws.close();
    await firefox.navigate('about:blank');
  });

  it('Bob’s call page open in Firefox names its subscription: a call rings there, not by push', async () => {
    assert.ok(bob, 'the first test subscribed Bob');
    const callee = bob;
    await firefox.navigate(`${app.baseUrl}/webrtc/${callee.username}`);
    // After its welcome the page sends push_device: its session stands for this browser.
    const registry = app.app.get(SessionRegistry);
    await eventually(
      () =>
        expect(
          registry.sessionsOf(callee.username).map((session) => session.pushDevice !== undefined),
        ).toStrictEqual([true]),
      20_000,
    );
    const before = autopush.pushes.length;
    const alice = await createUser(app.baseUrl, 'alice', 'Alice Liddell');
    const ws = await SignalingClient.connect(app.baseUrl, alice.token);
    ws.send({ type: 'call_start', toUser: callee.username });
    const { callId } = await ws.next('ringing');
    await eventually(
      async () =>
        expect(
          await firefox.evaluate<string>(`document.getElementById('call-page').dataset.callState`),
        ).toBe('incoming'),
      15_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a push would have gone by now
    expect(autopush.pushes.length).toBe(before);
    ws.send({ type: 'hangup', toUser: callee.username, callId });
    ws.close();
    await firefox.navigate('about:blank');
  });
});
