import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { BrowserContextOptions } from 'playwright-core';
import { en } from '../src/i18n/en.js';
import { format, type Placeholders } from '../src/i18n/translation.js';
import { zhCN } from '../src/i18n/zh-cn.js';
import type { MessageCode } from '../src/signaling/protocol.js';
import { type Account, CallPageDriver } from './browser/call-page-driver.js';
import { browserSuite } from './browser/browser-suite.js';
import { eventually } from './browser/eventually.js';
import { type InitScript, withCaptureBlocked, withoutCamera } from './browser/fake-devices.js';
import { assertOnScreen } from './browser/on-screen.js';
import { PHONE } from './browser/viewports.js';
import { createUser } from './support/test-app.js';

const ARTIFACTS = 'test-artifacts';

/** The status line after a call ended for the reason a server code gives. */
function endedBy(code: MessageCode, values: Placeholders): string {
  return format(en.ui.statusEnded, { reason: format(en.codes[code], values) });
}

/** The same for a call that never started: no "Ended:" before it (issue 20, Low). */
function notStartedBy(code: MessageCode, values: Placeholders): string {
  return format(en.codes[code], values);
}

describe('the call page, two people in Chromium', () => {
  const suite = browserSuite();

  beforeAll(() => {
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  async function account(prefix: string): Promise<Account> {
    const { username, password } = await createUser(suite.app.baseUrl, prefix);
    return { username, password };
  }

  /** A person with their own browser context (own cookies, own camera), logged in. */
  async function person(prefix: string, options: BrowserContextOptions = {}, devices?: InitScript) {
    const context = await suite.newContext(options);
    if (devices) {
      await context.addInitScript(devices);
    }
    return {
      context,
      page: await CallPageDriver.logIn(context, suite.app.baseUrl, await account(prefix)),
    };
  }

  it('1. alice dials bob, bob accepts: video both ways, then both hang up cleanly', async () => {
    const { page: alice } = await person('alice');
    const { page: bob } = await person('bob');
    await alice.dial(bob.account.username);
    await bob.incomingPanel.waitFor();
    expect(await bob.page.locator('#incoming-caller').innerText()).toBe(
      format(en.ui.isCalling, { peer: alice.account.username }),
    );
    const acceptedAt = await bob.accept();

    await Promise.all([alice.waitForRemoteVideo(), bob.waitForRemoteVideo()]);
    await Promise.all([alice.waitForInboundGrowing('video'), bob.waitForInboundGrowing('video')]);
    await alice.waitForCallState('connected');
    await bob.waitForCallState('connected');
    expect(await alice.page.locator('#status').innerText()).toMatch(
      /^Connected with \S+ \d\d:\d\d$/,
    );

    // Nothing about alice's network (SDP or ICE) left her page before bob accepted.
    const firstMedia = (await alice.sentFrames()).find(
      (f) => f.type === 'offer' || f.type === '_ice',
    );
    assert.ok(firstMedia && firstMedia.at >= acceptedAt, 'alice sent SDP/ICE before the accept');

    // docs/screenshot-call.png is a copy of this one, refreshed by hand when the page changes.
    await alice.page.screenshot({ path: `${ARTIFACTS}/call-desktop.png` });

    // Camera off really stops the camera (its light goes out); on again sends a new track.
    await bob.page.getByRole('button', { name: 'Turn camera off' }).click();
    const cameraOn = bob.page.getByRole('button', { name: 'Turn camera on' });
    expect(await cameraOn.getAttribute('aria-pressed')).toBe('true');
    expect(await bob.localTrackStates()).toStrictEqual(['audio:live', 'video:ended']);
    await cameraOn.click();
    await eventually(async () =>
      expect(await bob.localTrackStates()).toStrictEqual([
        'audio:live',
        'video:ended',
        'video:live',
      ]),
    );
    await alice.waitForInboundGrowing('video');
    await alice.page.getByRole('button', { name: 'Mute microphone' }).click();
    const unmute = alice.page.getByRole('button', { name: 'Unmute microphone' });
    expect(await unmute.getAttribute('aria-pressed')).toBe('true');

    await alice.hangUp();
    await alice.waitForCallState('idle');
    await bob.waitForCallState('idle');
    await alice.waitForStatus(format(en.ui.statusEnded, { reason: en.ui.youHungUp }));
    await bob.waitForStatus(endedBy('hangup', { peer: alice.account.username }));
    for (const side of [alice, bob]) {
      const tracks = await side.localTrackStates();
      assert.ok(tracks.length >= 2, `${side.account.username} opened ${tracks.join()}`);
      assert.deepEqual(
        tracks.filter((track) => !track.endsWith(':ended')),
        [],
        `${side.account.username} left tracks running`,
      );
      expect(await side.callButton.isEnabled()).toBe(true);
    }
  });

  it('2. dialing an offline account says so in a sentence, and the page stays usable', async () => {
    const { page: alice } = await person('alice');
    const carol = await account('carol'); // registered, never logged in
    await alice.dial(carol.username);
    await alice.waitForStatus(notStartedBy('offline', { peer: carol.username }));
    await alice.waitForCallState('idle');

    // By keyboard: Enter in the field dials.
    await alice.page.getByLabel("Friend's account").fill('nobody-here');
    await alice.page.getByLabel("Friend's account").press('Enter');
    await alice.waitForStatus(notStartedBy('unknown_user', { peer: 'nobody-here' }));
    await alice.dial('not a name!');
    await alice.waitForStatus(format(en.ui.invalidAccount, { peer: 'not a name!' }));
    expect(await alice.callButton.isEnabled()).toBe(true);
    await eventually(async () =>
      expect(
        (await alice.localTrackStates()).filter((track) => !track.endsWith(':ended')),
      ).toStrictEqual([]),
    );
    assert.equal(
      (await fetch(`${suite.app.baseUrl}/ice-servers`)).status,
      401,
      'ICE servers need a login',
    );
    // No TURN server in this configuration: the privacy switch says why it cannot be used.
    const relay = alice.page.getByLabel('Relay my calls through the TURN server');
    expect(await relay.isDisabled()).toBe(true);
    expect(await alice.page.locator('#relay-hint').innerText()).toBe(en.ui.relayUnavailable);
  });

  it('3. bob rejects: alice reads "declined", and none of her SDP or ICE ever left', async () => {
    const { page: alice } = await person('alice');
    const { page: bob } = await person('bob');
    await alice.dial(bob.account.username);
    await alice.waitForStatus(format(en.ui.statusRinging, { peer: bob.account.username }));
    await bob.reject();
    await alice.waitForStatus(notStartedBy('rejected', { peer: bob.account.username }));
    expect(await alice.statusText()).toMatch(/declined/);
    await bob.waitForStatus(format(en.ui.youDeclined, { peer: alice.account.username }));
    expect(await bob.incomingPanel.isVisible()).toBe(false);
    const types = (await alice.sentFrames()).map((frame) => frame.type);
    expect(types).toStrictEqual(['call_start']);
  });

  it("4. alice cancels while it rings: bob's incoming panel closes", async () => {
    const { page: alice } = await person('alice');
    const { page: bob } = await person('bob');
    await alice.dial(bob.account.username);
    await bob.incomingPanel.waitFor();
    await alice.hangUp();
    await bob.incomingPanel.waitFor({ state: 'hidden' });
    await bob.waitForStatus(notStartedBy('cancelled', { peer: alice.account.username }));
    expect(await bob.page.locator('#incoming').getAttribute('data-ringtone')).toBe('stopped');
    await alice.waitForCallState('idle');
    expect((await alice.sentFrames()).map((frame) => frame.type)).toStrictEqual([
      'call_start',
      'hangup',
    ]);

    // Bob's recent calls mark it missed, and one click on it rings alice back.
    const missed = bob.page.getByRole('button', {
      name: new RegExp(`^Call ${alice.account.username} Missed · `),
    });
    await missed.click();
    await alice.incomingPanel.waitFor();
    await bob.hangUp();
    await alice.incomingPanel.waitFor({ state: 'hidden' });
  });

  it('5. bob on two tabs: accepting on one stops the ringing on the other', async () => {
    const { page: alice } = await person('alice');
    const { context, page: bobFirst } = await person('bob');
    const bobSecond = await CallPageDriver.openTab(context, suite.app.baseUrl, bobFirst.account);
    await alice.dial(bobFirst.account.username);
    for (const tab of [bobFirst, bobSecond]) {
      await tab.incomingPanel.waitFor();
      expect(await tab.page.locator('#incoming').getAttribute('data-ringtone')).not.toBe('stopped');
    }
    await bobFirst.accept();
    await bobSecond.incomingPanel.waitFor({ state: 'hidden' });
    expect(await bobSecond.page.locator('#incoming').getAttribute('data-ringtone')).toBe('stopped');
    await bobSecond.waitForStatus(notStartedBy('answered_elsewhere', {}));
    await Promise.all([alice.waitForRemoteVideo(), bobFirst.waitForRemoteVideo()]);
    expect(await bobSecond.callState()).toBe('idle');
    await bobFirst.hangUp();
    await alice.waitForStatus(endedBy('hangup', { peer: bobFirst.account.username }));
  });

  it('6. in zh-CN the page speaks Chinese, and the language can be switched and is kept', async () => {
    const { page: alice } = await person('alice', { locale: 'zh-CN' });
    const { page } = alice;
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.getByRole('button', { name: zhCN.ui.call, exact: true }).waitFor();
    // The call controls are not shown while idle (issue 20, point 10): their labels still are zh.
    for (const [id, name] of [
      ['hangup-button', zhCN.ui.hangUp],
      ['mute-button', zhCN.ui.muteMicrophone],
      ['camera-button', zhCN.ui.turnCameraOff],
    ]) {
      expect(await page.locator(`#${id}`).textContent()).toBe(name);
    }
    await page.getByLabel(zhCN.ui.friendsAccount).waitFor();
    await page.getByLabel(zhCN.ui.remoteVideo).waitFor();
    await page.getByLabel(zhCN.ui.yourVideo).waitFor({ state: 'attached' });
    const carol = await account('carol');
    await page.getByLabel(zhCN.ui.friendsAccount).fill(carol.username);
    await page.getByRole('button', { name: zhCN.ui.call, exact: true }).click();
    await alice.waitForStatus(format(zhCN.codes.offline, { peer: carol.username }));

    await page.getByLabel(zhCN.ui.language).selectOption('en');
    await page.getByRole('button', { name: en.ui.call, exact: true }).waitFor();
    await alice.waitForStatus(notStartedBy('offline', { peer: carol.username }));
    await page.reload();
    await page.getByRole('button', { name: en.ui.call, exact: true }).waitFor();
    expect(await page.locator('#hangup-button').textContent()).toBe(en.ui.hangUp);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.goto(`${suite.app.baseUrl}/webrtc/${alice.account.username}?lang=zh-CN`);
    await page
      .getByRole('button', { name: zhCN.ui.accept, exact: true, includeHidden: true })
      .waitFor({ state: 'attached' });
  });

  it('7. on a phone-sized screen every control is on screen and reachable', async () => {
    const { page: alice } = await person('alice', PHONE);
    const { page: bob } = await person('bob');
    const { page } = alice;
    // Idle, a phone shows no call controls (issue 20, point 10): Hang up, Mute and Camera come
    // with a call; the account actions are behind the top bar's menu.
    for (const name of ['Hang up', 'Mute microphone', 'Turn camera off']) {
      expect(await page.getByRole('button', { name }).isVisible()).toBe(false);
    }
    await page.getByRole('button', { name: 'Menu' }).click();
    const controls = [
      page.getByLabel("Friend's account"),
      page.getByRole('button', { name: 'Call', exact: true }),
      page.getByLabel('Remote video'),
      page.getByRole('button', { name: 'Check camera' }),
      page.getByLabel('Camera', { exact: true }),
      page.getByLabel('Microphone', { exact: true }),
      page.getByLabel('Relay my calls through the TURN server'),
      page.getByLabel('Language'),
      page.getByRole('button', { name: 'Log out', exact: true }),
      page.getByRole('status').filter({ hasText: en.ui.statusReady }),
    ];
    for (const control of controls) {
      await control.scrollIntoViewIfNeeded();
      const box = await control.boundingBox();
      assert.ok(box, `${control.toString()} is not rendered`);
      assert.ok(
        box.x >= 0 && box.x + box.width <= 390,
        `${control.toString()} overflows: ${box.x}+${box.width}`,
      );
    }
    const overflow = await page.evaluate(() => {
      const root = (
        globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }
      ).document.documentElement;
      return root.scrollWidth;
    });
    assert.ok(overflow <= 390, `the page scrolls sideways (${overflow}px wide)`);

    await alice.dial(bob.account.username);
    await bob.accept();
    await alice.waitForRemoteVideo();
    await page.getByRole('button', { name: 'Accept' }).isHidden();
    for (const name of ['Hang up', 'Mute microphone', 'Turn camera off']) {
      await assertOnScreen(page, page.getByRole('button', { name }), `${name} in the call`);
    }
    await page.evaluate(() =>
      (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0),
    );
    await page.screenshot({ path: `${ARTIFACTS}/call-phone.png` });
    await bob.page.screenshot({ path: `${ARTIFACTS}/call-desktop-callee.png` });
    await alice.hangUp();
    await bob.waitForCallState('idle');
  });

  it('8. without a camera the call goes on with audio only, and says so', async () => {
    const { page: alice } = await person('alice');
    const { page: bob } = await person('bob', {}, withoutCamera);
    await alice.dial(bob.account.username);
    await bob.accept();
    await bob.waitForCallState('connected');
    await alice.waitForCallState('connected');
    expect(await bob.page.locator('#media-notice').innerText()).toBe(en.ui.audioOnly);
    expect(await bob.page.getByRole('button', { name: 'Turn camera off' }).isDisabled()).toBe(true);
    await bob.waitForRemoteVideo(); // alice's camera still reaches bob
    expect((await bob.localTrackStates()).map((track) => track.split(':')[0])).toStrictEqual([
      'audio',
    ]);
    await bob.hangUp();
    await alice.waitForStatus(endedBy('hangup', { peer: bob.account.username }));
  });

  it('9. when nothing can be captured the callee explains why and hangs up with media_failed', async () => {
    const { page: alice } = await person('alice');
    const { page: bob } = await person('bob', {}, withCaptureBlocked);
    await alice.dial(bob.account.username);
    await bob.accept();
    await bob.waitForStatus(format(en.ui.statusEnded, { reason: en.ui.mediaDenied }));
    await alice.waitForStatus(endedBy('media_failed', { peer: bob.account.username }));
    await alice.waitForCallState('idle');
    assert.ok((await bob.sentFrames()).some((frame) => frame.type === 'hangup'));
  });

  it('10. alice and bob dial each other at the same moment: exactly one call, which connects', async () => {
    const { page: alice } = await person('alice');
    const { page: bob } = await person('bob');
    await alice.page.getByLabel("Friend's account").fill(bob.account.username);
    await bob.page.getByLabel("Friend's account").fill(alice.account.username);
    const at = Date.now() + 300;
    await Promise.all([alice.clickCallAt(at), bob.clickCallAt(at)]);
    // Whoever the server took first rings; the other page shows that incoming call, whether its
    // own call_start was answered "glare" or the ring came before it could dial.
    const [answering, ringing] = await eventually(async () => {
      const states = [await alice.callState(), await bob.callState()];
      if (states[0] === 'incoming' && states[1] === 'ringing') {
        return [alice, bob];
      }
      expect(states).toStrictEqual(['ringing', 'incoming']);
      return [bob, alice];
    });
    await answering.accept();
    await Promise.all([answering.waitForRemoteVideo(), ringing.waitForRemoteVideo()]);
    await ringing.hangUp();
    await answering.waitForCallState('idle');
  });
});
