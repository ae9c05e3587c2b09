// Verified calls (issue 23): two people compare four pictures derived from the DTLS certificates
// the call really uses, so that a man in the middle (even the server) is caught.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { BrowserContext, BrowserContextOptions } from 'playwright-core';
import { en } from '../src/i18n/en.js';
import { format } from '../src/i18n/translation.js';
import { CLIENT_MESSAGE_TYPES } from '../src/signaling/protocol.js';
import { zhCN } from '../src/i18n/zh-cn.js';
import { SAS_EMOJI } from '../client/verify/sas-emoji.js';
import { type Account, CallPageDriver } from './browser/call-page-driver.js';
import { browserSuite } from './browser/browser-suite.js';
import { eventually } from './browser/eventually.js';
import { assertOnScreen } from './browser/on-screen.js';
import { PHONE } from './browser/viewports.js';
import { Attacker } from './browser/attacker.js';
import { startSignalingProxy, type SignalingProxy } from './support/signaling-proxy.js';
import { createUser } from './support/test-app.js';

const t = en.verify;
const ARTIFACTS = 'test-artifacts';
/** What a page may send the server: the call's messages, and protocol 2's resume and ping. */
const SIGNALING_TYPES = new Set<string>([...CLIENT_MESSAGE_TYPES, 'resume', 'ping']);

interface ShownCode {
  sas: string;
  names: string[];
  /** The panel's data-verify-state: unverified, new-device, verified or just-verified. */
  standing: string | null;
  text: string;
}

interface DtlsProbe {
  __dialtoneProbe: {
    peers: { getSenders(): { transport: { state: string } | null }[] }[];
  };
}

interface SentProbe {
  __dialtoneProbe: { sent: { data: string }[] };
}

/** Every signaling frame the page sent, as sent. */
function sentData(): string[] {
  return (globalThis as unknown as SentProbe).__dialtoneProbe.sent.map(({ data }) => data);
}

/** The DTLS state of the page's latest peer connection ('new' before it has a transport). */
function dtlsState(): string {
  const { peers } = (globalThis as unknown as DtlsProbe).__dialtoneProbe;
  return peers[peers.length - 1]?.getSenders()[0]?.transport?.state ?? 'new';
}

describe('verified calls: the code both people compare', () => {
  const suite = browserSuite();

  async function account(prefix: string): Promise<Account> {
    const { username, password } = await createUser(suite.app.baseUrl, prefix);
    return { username, password };
  }

  /** One person's browser (own cookies, own IndexedDB: one device), logged in at `baseUrl`. */
  async function device(
    who: Account,
    baseUrl = suite.app.baseUrl,
    options: BrowserContextOptions = {},
  ): Promise<CallPageDriver> {
    const context: BrowserContext = await suite.newContext(options);
    return CallPageDriver.logIn(context, baseUrl, who);
  }

  async function connect(caller: CallPageDriver, callee: CallPageDriver): Promise<void> {
    await caller.dial(callee.account.username);
    await callee.accept();
    await Promise.all([caller.waitForCallState('connected'), callee.waitForCallState('connected')]);
  }

  /** Opens the Verify control, as the person would, and reads what it shows. */
  async function shownCode(person: CallPageDriver): Promise<ShownCode> {
    const panel = person.page.locator('#verify-panel');
    await panel.getByRole('button', { name: t.verifyButton, exact: true }).click();
    const code = panel.getByRole('list', { name: t.verifyCode });
    await code.waitFor();
    return {
      sas: (await code.getAttribute('data-sas')) ?? '',
      names: await code.locator('.sas-name').allInnerTexts(),
      standing: await panel.getAttribute('data-verify-state'),
      text: await person.page.locator('#verify-standing').innerText(),
    };
  }

  async function hangUp(caller: CallPageDriver, callee: CallPageDriver): Promise<void> {
    await caller.hangUp();
    await Promise.all([caller.waitForCallState('idle'), callee.waitForCallState('idle')]);
  }

  it('1. an honest call shows the same four pictures, with their names, on both pages', async () => {
    const alice = await device(await account('alice'));
    const bob = await device(await account('bob'));
    await connect(alice, bob);
    const [aliceSees, bobSees] = await Promise.all([shownCode(alice), shownCode(bob)]);

    expect(aliceSees.sas).toBe(bobSees.sas);
    const pictures = aliceSees.sas.split(' ');
    expect(pictures.length).toBe(4);
    expect(aliceSees.names).toStrictEqual(
      pictures.map((emoji) => SAS_EMOJI.find((entry) => entry.emoji === emoji)?.en),
    );
    expect([aliceSees.standing, bobSees.standing]).toStrictEqual(['unverified', 'unverified']);
    expect(aliceSees.text).toBe(format(t.verifyUnverified, { peer: bob.account.username }));
    await alice.page.getByText(format(t.verifyQuestion, { peer: bob.account.username })).waitFor();

    // In Chinese the same pictures are named in Chinese, without a reload during the call.
    await bob.page.getByLabel(en.ui.language).selectOption('zh-CN');
    const bobsPanel = bob.page.locator('#verify-panel');
    await bobsPanel.getByRole('button', { name: zhCN.verify.verifyButton, exact: true }).waitFor();
    expect(await bobsPanel.locator('.sas-name').allInnerTexts()).toStrictEqual(
      pictures.map((emoji) => SAS_EMOJI.find((entry) => entry.emoji === emoji)?.['zh-CN']),
    );
    expect(await bobsPanel.getByRole('list').getAttribute('data-sas')).toBe(aliceSees.sas);
    await hangUp(alice, bob);
    await alice.page.locator('#verify-panel').waitFor({ state: 'hidden' });

    // Nothing of the exchange went to the server: no commitment or nonce (64 hex digits; the SDP
    // writes its fingerprint with colons), no picture, no verification message.
    const frames = [
      ...(await alice.page.evaluate(sentData)),
      ...(await bob.page.evaluate(sentData)),
    ];
    const typeOf = (data: string) => (JSON.parse(data) as { type: string }).type;
    expect(
      [...new Set(frames.map(typeOf))].filter((type) => !SIGNALING_TYPES.has(type)),
    ).toStrictEqual([]);
    // The call's messages (a resume frame carries the session's own token).
    const sent = frames.filter((data) =>
      CLIENT_MESSAGE_TYPES.some((type) => type === typeOf(data)),
    );
    expect(sent.length).toBeGreaterThan(3);
    expect(sent.filter((data) => /[0-9a-f]{64}|commit|reveal|mismatch/i.test(data))).toStrictEqual(
      [],
    );
    expect(sent.filter((data) => pictures.some((emoji) => data.includes(emoji)))).toStrictEqual([]);
  });

  it('2. the next call between the same devices has a new code and says "verified"; a new device does not', async () => {
    const aliceAccount = await account('alice');
    const bobAccount = await account('bob');
    const alice = await device(aliceAccount);
    const bob = await device(bobAccount);
    await connect(alice, bob);
    const first = await shownCode(alice);
    expect((await shownCode(bob)).sas).toBe(first.sas);
    for (const person of [alice, bob]) {
      await person.page.getByRole('button', { name: t.verifyMatch, exact: true }).click();
      await eventually(async () =>
        assert.equal(
          await person.page.locator('#verify-panel').getAttribute('data-verify-state'),
          'just-verified',
        ),
      );
    }
    await hangUp(alice, bob);

    await connect(bob, alice);
    const [aliceAgain, bobAgain] = await Promise.all([shownCode(alice), shownCode(bob)]);
    expect(aliceAgain.sas).toBe(bobAgain.sas);
    expect(aliceAgain.sas).not.toBe(first.sas); // new nonces: a code is never reused
    expect([aliceAgain.standing, bobAgain.standing]).toStrictEqual(['verified', 'verified']);
    expect(aliceAgain.text).toBe(format(t.verifyVerified, { peer: bob.account.username }));
    await hangUp(bob, alice);

    // Bob on another browser: a certificate alice never confirmed.
    const bobElsewhere = await device(bobAccount);
    await connect(alice, bobElsewhere);
    const onNewDevice = await shownCode(alice);
    expect(onNewDevice.standing).toBe('new-device');
    expect(onNewDevice.text).toBe(format(t.verifyNewDevice, { peer: bob.account.username }));
    expect((await shownCode(bobElsewhere)).standing).toBe('unverified');
  });

  it('3. "Doesn\'t match" ends the call with a clear warning on both pages (one a phone)', async () => {
    const alice = await device(await account('alice'));
    const bob = await device(await account('bob'), suite.app.baseUrl, PHONE);
    await connect(alice, bob);
    await shownCode(alice);
    // On a phone the open Verify control is part of the bar over the video, all of it on screen.
    await shownCode(bob);
    for (const [what, locator] of [
      ['the code', bob.page.getByRole('list', { name: t.verifyCode })],
      ['Match', bob.page.getByRole('button', { name: t.verifyMatch, exact: true })],
      ["Doesn't match", bob.page.getByRole('button', { name: t.verifyMismatch })],
      ['Hang up', bob.page.getByRole('button', { name: en.ui.hangUp })],
    ] as const) {
      await assertOnScreen(bob.page, locator, what);
    }
    await mkdir(ARTIFACTS, { recursive: true });
    await bob.page.screenshot({ path: `${ARTIFACTS}/verify-phone.png` });
    await alice.page.screenshot({ path: `${ARTIFACTS}/verify-desktop.png` });
    await alice.page.getByRole('button', { name: t.verifyMismatch }).click();

    await Promise.all([alice.waitForCallState('idle'), bob.waitForCallState('idle')]);
    await expect(alice.page.getByRole('alert').innerText()).resolves.toBe(t.verifyMismatchWarning);
    await eventually(async () =>
      assert.equal(
        await bob.page.getByRole('alert').innerText(),
        format(t.verifyPeerMismatch, { peer: alice.account.username }),
      ),
    );
    await assertOnScreen(bob.page, bob.page.getByRole('alert'), "the peer's warning");
  });

  describe('behind a signaling proxy', () => {
    let proxy: SignalingProxy | undefined;

    afterEach(async () => {
      await proxy?.close();
      proxy = undefined;
    });

    it('4. a man in the middle relays the media, and the two pages show different codes', async () => {
      const context = await suite.newContext();
      const attacker = await Attacker.open(context, suite.app.baseUrl);
      proxy = await startSignalingProxy(suite.app.baseUrl, attacker.tamper);
      const alice = await device(await account('alice'), proxy.baseUrl);
      const bob = await device(await account('bob'), proxy.baseUrl);
      await connect(alice, bob);
      // The call works: each side gets the other's video, through the attacker.
      await Promise.all([alice.waitForRemoteVideo(), bob.waitForRemoteVideo()]);
      expect(await attacker.relayedDescriptions()).toStrictEqual({ offers: 1, answers: 1 });

      const [aliceSees, bobSees] = await Promise.all([shownCode(alice), shownCode(bob)]);
      expect(aliceSees.sas.split(' ').length).toBe(4);
      expect(aliceSees.sas).not.toBe(bobSees.sas);
      expect([aliceSees.standing, bobSees.standing]).toStrictEqual(['unverified', 'unverified']);
    });

    it('5. a fingerprint changed in the SDP without an attacker endpoint makes DTLS fail', async () => {
      let tampered = 0;
      proxy = await startSignalingProxy(suite.app.baseUrl, (message) => {
        if (message.type !== 'offer' || typeof message.sdp !== 'string') {
          return Promise.resolve(message);
        }
        const sdp = flipFingerprint(message.sdp);
        tampered += sdp === message.sdp ? 0 : 1;
        return Promise.resolve({ ...message, sdp });
      });
      const alice = await device(await account('alice'), proxy.baseUrl);
      const bob = await device(await account('bob'), proxy.baseUrl);
      await alice.dial(bob.account.username);
      await bob.accept();
      await eventually(async () => {
        expect(await bob.page.evaluate(dtlsState)).toBe('failed');
      }, 10_000);
      expect(tampered).toBeGreaterThan(0);
      expect(await bob.callState()).not.toBe('connected');
      expect(await bob.page.locator('#verify-code').getAttribute('data-sas')).toBeNull();
    });
  });
});

/** The SDP with the last hex digit of its certificate fingerprint changed. */
function flipFingerprint(sdp: string): string {
  return sdp.replace(
    /(a=fingerprint:sha-256 [0-9A-F:]*)([0-9A-F])/g,
    (_, head: string, last) => `${head}${last === '0' ? '1' : '0'}`,
  );
}
