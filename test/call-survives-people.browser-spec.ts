// Issue 20, point 1: the call survives what people do with the page: a reload rejoins, leaving
// asks first, logging out asks naming the call, the account page opens beside the call.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import type { BrowserContext, Dialog, Page } from 'playwright-core';
import { en } from '../src/i18n/en.js';
import type { Locale } from '../src/i18n/locale.js';
import { format } from '../src/i18n/translation.js';
import { zhCN } from '../src/i18n/zh-cn.js';
import { CallPageDriver } from './browser/call-page-driver.js';
import { browserSuite } from './browser/browser-suite.js';
import { eventually } from './browser/eventually.js';
import { createUser } from './support/test-app.js';

interface Person {
  context: BrowserContext;
  page: CallPageDriver;
}

interface HistoryEntry {
  endedAt: string | null;
}

/** Every dialog the page opens (beforeunload, confirm), answered with `accept`. */
function recordDialogs(page: Page, accept: () => boolean): Dialog[] {
  const seen: Dialog[] = [];
  page.on('dialog', (dialog) => {
    seen.push(dialog);
    void (accept() ? dialog.accept() : dialog.dismiss());
  });
  return seen;
}

/** The remote video (whatever its label's language) has a picture and keeps playing. */
async function remoteVideoPlaying(person: Person, timeoutMs = 10_000): Promise<void> {
  const video = person.page.page.locator('#remote-video');
  const read = () =>
    video.evaluate((element: { videoWidth: number; currentTime: number }) => [
      element.videoWidth,
      element.currentTime,
    ]);
  await eventually(async () => {
    const [width, before] = await read();
    await sleep(300);
    const [, after] = await read();
    assert.ok(width > 0 && after > before, `${person.page.account.username}: ${width} ${after}`);
  }, timeoutMs);
}

/** The call history as the page's own API answers it. */
function history(person: Person): Promise<HistoryEntry[]> {
  return person.page.page.evaluate(async () => {
    const response = await fetch('/calls', { credentials: 'same-origin' });
    const body = (await response.json()) as { calls?: HistoryEntry[] } | HistoryEntry[];
    return Array.isArray(body) ? body : (body.calls ?? []);
  });
}

describe('the call survives what people do with the page (issue 20)', () => {
  const suite = browserSuite();

  async function person(prefix: string, locale: Locale = 'en'): Promise<Person> {
    const context = await suite.newContext({ locale });
    const { username, password } = await createUser(suite.app.baseUrl, prefix);
    const page = await CallPageDriver.logIn(context, suite.app.baseUrl, { username, password });
    return { context, page };
  }

  async function connectedCall(calleeLocale: Locale = 'en'): Promise<[Person, Person]> {
    const alice = await person('alice');
    const bob = await person('bob', calleeLocale);
    await alice.page.dial(bob.page.account.username);
    await bob.page.page.locator('#incoming').waitFor();
    await bob.page.page.locator('#accept-button').click();
    await Promise.all([remoteVideoPlaying(alice), remoteVideoPlaying(bob)]);
    await alice.page.waitForCallState('connected');
    await bob.page.waitForCallState('connected');
    return [alice, bob];
  }

  async function bothFlowing(alice: Person, bob: Person): Promise<void> {
    await Promise.all([
      alice.page.waitForCallState('connected', 20_000),
      bob.page.waitForCallState('connected', 20_000),
    ]);
    await Promise.all([
      alice.page.waitForInboundGrowing('video', 20_000),
      bob.page.waitForInboundGrowing('video', 20_000),
      remoteVideoPlaying(alice, 20_000),
      remoteVideoPlaying(bob, 20_000),
    ]);
  }

  it.each([
    ['the callee (zh-CN)', 'callee'],
    ['the caller', 'caller'],
  ] as const)(
    'reloading mid-call, %s asks first, comes back into the call, media flows both ways, the peer saw "Reconnecting…", nothing ended in the history',
    async (_label, who) => {
      const [alice, bob] = await connectedCall('zh-CN');
      const [reloading, staying] = who === 'callee' ? [bob, alice] : [alice, bob];
      const stayingReconnecting =
        staying === bob ? zhCN.ui.statusReconnectingCall : en.ui.statusReconnectingCall;
      // What the staying side showed, however briefly.
      await staying.page.watchStatus();
      await reloading.page.page.locator('#mute-button').click(); // muted stays muted
      const dialogs = recordDialogs(reloading.page.page, () => true);

      await reloading.page.page.reload();

      expect(dialogs.map((dialog) => dialog.type())).toEqual(['beforeunload']);
      await bothFlowing(alice, bob);
      const seen = await staying.page.statusesSeen();
      expect(seen).toContain(stayingReconnecting);
      const connectedWith = format(
        staying === bob ? zhCN.ui.statusConnected : en.ui.statusConnected,
        { peer: reloading.page.account.username },
      );
      await staying.page.waitForStatus(connectedWith);
      expect(await reloading.page.page.locator('#call-page').getAttribute('data-microphone')).toBe(
        'off',
      );
      for (const side of [alice, bob]) {
        const entries = await history(side);
        assert.ok(
          entries.every((entry) => entry.endedAt === null),
          `${side.page.account.username}: ${JSON.stringify(entries)}`,
        );
      }
      // Nothing about the resume stays in the tab once the call is over.
      await reloading.page.page.locator('#hangup-button').click();
      await staying.page.waitForCallState('idle');
      expect(
        await reloading.page.page.evaluate("sessionStorage.getItem('dialtone.rejoin')"),
      ).toBeNull();
      expect(
        await reloading.page.page.evaluate("localStorage.getItem('dialtone.rejoin')"),
      ).toBeNull();
    },
  );

  it('idle, a reload asks nothing; the account page opens in a new tab and the call goes on', async () => {
    const alice = await person('alice');
    await alice.page.page.getByLabel("Friend's account").click(); // a user gesture, as in a call
    const dialogs = recordDialogs(alice.page.page, () => true);
    await alice.page.page.reload();
    await alice.page.waitForConnection('online');
    expect(dialogs).toEqual([]);
    await alice.context.close();

    const [caller, callee] = await connectedCall();
    const [accountTab] = await Promise.all([
      caller.context.waitForEvent('page'),
      caller.page.page.getByRole('link', { name: 'My account' }).click(),
    ]);
    await accountTab.waitForLoadState();
    expect(new URL(accountTab.url()).pathname).toBe('/account');
    expect(new URL(caller.page.page.url()).pathname).toBe(
      `/webrtc/${caller.page.account.username}`,
    );
    await caller.page.waitForInboundGrowing('video');
    await callee.page.waitForInboundGrowing('video');
    expect(await callee.page.callState()).toBe('connected');
  });

  it.each([
    ['Log out', 'en', en.ui.confirmLogOutInCall],
    ['退出登录', 'zh-CN', zhCN.ui.confirmLogOutInCall],
    ['Log out everywhere', 'en', en.ui.confirmLogOutEverywhereInCall],
  ] as const)(
    '"%s" mid-call (%s) asks, naming the call; "no" keeps the call, "yes" hangs up and logs out',
    async (button, locale, question) => {
      const [alice, bob] = await connectedCall(locale);
      let answer = false;
      const dialogs = recordDialogs(bob.page.page, () => answer);
      const logOut = bob.page.page.getByRole('button', { name: button, exact: true });

      await logOut.click();
      await eventually(() => assert.equal(dialogs.length, 1));
      expect(dialogs[0].type()).toBe('confirm');
      expect(dialogs[0].message()).toBe(format(question, { peer: alice.page.account.username }));
      await alice.page.waitForInboundGrowing('video');
      expect(await bob.page.callState()).toBe('connected');

      answer = true;
      await logOut.click();
      await bob.page.page.waitForURL('**/login**');
      await alice.page.waitForCallState('idle');
      await alice.page.waitForStatus(
        format(en.ui.statusEnded, {
          reason: format(en.codes.hangup, { peer: bob.page.account.username }),
        }),
      );
      expect(dialogs.map((dialog) => dialog.type())).toEqual(['confirm', 'confirm']);
    },
  );

  it("each call starts with the microphone and camera the settings say (zh-CN); the incoming panel says so; a call's mute ends with it", async () => {
    const alice = await person('alice');
    const bob = await person('bob', 'zh-CN');
    const t = zhCN.ui;
    await bob.page.page.getByLabel(t.startWithCamera).uncheck();
    const joinLine = (microphone: string, camera: string) =>
      format(t.joinWith, { microphone, camera });

    await alice.page.dial(bob.page.account.username);
    await bob.page.page.locator('#incoming').waitFor();
    expect(await bob.page.page.locator('#incoming-join').innerText()).toBe(
      joinLine(t.joinMicrophoneOn, t.joinCameraOff),
    );
    await bob.page.page.locator('#accept-button').click();
    await bob.page.waitForCallState('connected');
    await alice.page.waitForInboundGrowing('audio');
    expect(await bob.page.page.locator('#call-page').getAttribute('data-camera')).toBe('off');
    await alice.page.page
      .getByText(format(en.ui.peerCameraOff, { peer: bob.page.account.username }))
      .waitFor();

    // Muted in this call only: the next call starts as the settings say.
    await bob.page.page.locator('#mute-button').click();
    await bob.page.page.locator('#hangup-button').click();
    await alice.page.waitForCallState('idle');
    await bob.page.page.getByLabel(t.startWithCamera).check();
    await alice.page.dial(bob.page.account.username);
    await bob.page.page.locator('#incoming').waitFor();
    expect(await bob.page.page.locator('#incoming-join').innerText()).toBe(
      joinLine(t.joinMicrophoneOn, t.joinCameraOn),
    );
    await bob.page.page.locator('#accept-button').click();
    await Promise.all([
      alice.page.waitForInboundGrowing('video'),
      bob.page.waitForCallState('connected'),
    ]);
    expect(await bob.page.page.locator('#call-page').getAttribute('data-microphone')).toBe('on');
    expect(await bob.page.page.locator('#call-page').getAttribute('data-camera')).toBe('on');
    // Remembered across a reload of an idle page.
    await bob.page.page.locator('#hangup-button').click();
    await bob.page.page.getByLabel(t.startWithMicrophone).uncheck();
    await bob.page.page.reload();
    await bob.page.waitForConnection('online');
    expect(await bob.page.page.getByLabel(t.startWithMicrophone).isChecked()).toBe(false);
    expect(await bob.page.page.locator('#call-page').getAttribute('data-microphone')).toBe('off');
  });
});
