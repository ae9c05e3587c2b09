// Issue 15, "Richer calls", points 2 and 5: the speaker a call is heard on, and the microphone's
// noise suppression and echo cancellation, in two Chromium pages (English and Chinese) in a call.
import { describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { en } from '../src/i18n/en.js';
import type { Locale } from '../src/i18n/locale.js';
import { TRANSLATIONS } from '../src/i18n/locale.js';
import { browserSuite } from './browser/browser-suite.js';
import { CallPageDriver } from './browser/call-page-driver.js';
import { eventually } from './browser/eventually.js';
import type { InitScript } from './browser/fake-devices.js';
import { type SoundRecord, sounds } from './browser/probe.js';
import { createUser } from './support/test-app.js';

/** The tone a caller hears while the other side rings (client/call/tones.ts). */
const RINGBACK_HZ = 425;

interface SentTrack {
  id: string;
  kind: string;
  readyState: string;
  getSettings(): Record<string, unknown>;
  getConstraints(): Record<string, unknown>;
}

interface ProbedPage {
  __dialtoneProbe: { peers: { getSenders(): { track: SentTrack | null }[] }[] };
  document: { getElementById(id: string): { sinkId: string } | null };
}

/** The microphone track the latest connection's audio sender carries, as the peer receives it. */
function sentMicrophone(): {
  id: string;
  readyState: string;
  settings: Record<string, unknown>;
  constraints: Record<string, unknown>;
} | null {
  const { peers } = (globalThis as unknown as ProbedPage).__dialtoneProbe;
  const track = peers[peers.length - 1]
    ?.getSenders()
    .find((sender) => sender.track?.kind === 'audio')?.track;
  return track
    ? {
        id: track.id,
        readyState: track.readyState,
        settings: track.getSettings(),
        constraints: track.getConstraints(),
      }
    : null;
}

/** The speaker the remote video (which carries the call's sound) plays on; "" is the default. */
function remoteSinkId(): string | undefined {
  return (globalThis as unknown as ProbedPage).document.getElementById('remote-video')?.sinkId;
}

/** A browser without speaker choice (Safari, older Firefox): no setSinkId anywhere. */
const withoutSinkId: InitScript = () => {
  const page = globalThis as unknown as {
    HTMLMediaElement: { prototype: object };
    AudioContext: { prototype: object };
  };
  Reflect.deleteProperty(page.HTMLMediaElement.prototype, 'setSinkId');
  Reflect.deleteProperty(page.AudioContext.prototype, 'setSinkId');
};

/** A speaker chosen on an earlier visit that has since been unplugged. */
const rememberedSpeakerGone: InitScript = () => {
  const page = globalThis as unknown as {
    localStorage: { setItem(key: string, value: string): void };
  };
  page.localStorage.setItem('dialtone.device.output', 'a-speaker-that-was-unplugged');
};

describe('richer calls: speaker and voice processing (issue 15, points 2 and 5)', () => {
  const suite = browserSuite();

  interface Person {
    driver: CallPageDriver;
    page: Page;
    t: (typeof TRANSLATIONS)[Locale]['ui'];
    /** Uncaught errors and console errors the page produced. */
    errors: string[];
  }

  async function person(prefix: string, locale: Locale, initScript?: InitScript): Promise<Person> {
    const context = await suite.newContext({ locale });
    if (initScript) {
      await context.addInitScript(initScript);
    }
    const account = await createUser(suite.app.baseUrl, prefix);
    const driver = await CallPageDriver.logIn(context, suite.app.baseUrl, account);
    const errors: string[] = [];
    driver.page.on('pageerror', (error) => errors.push(error.message));
    driver.page.on('console', (message) => {
      if (message.type() === 'error') {
        errors.push(message.text());
      }
    });
    return { driver, page: driver.page, t: TRANSLATIONS[locale].ui, errors };
  }

  /** Dials in the caller's language, answers in the callee's, and waits for video both ways. */
  async function connect(caller: Person, callee: Person): Promise<void> {
    await caller.page.getByLabel(caller.t.friendsAccount).fill(callee.driver.account.username);
    await caller.page.getByRole('button', { name: caller.t.call, exact: true }).click();
    await callee.page.getByRole('button', { name: callee.t.accept, exact: true }).click();
    // (The driver's waitForRemoteVideo finds the video by its English label.)
    await Promise.all([
      caller.driver.waitForInboundGrowing('video'),
      callee.driver.waitForInboundGrowing('video'),
    ]);
    await Promise.all([
      caller.driver.waitForCallState('connected'),
      callee.driver.waitForCallState('connected'),
    ]);
  }

  async function hangUp(one: Person, other: Person): Promise<void> {
    await one.page.getByRole('button', { name: one.t.hangUp, exact: true }).click();
    await Promise.all([one.driver.waitForCallState('idle'), other.driver.waitForCallState('idle')]);
  }

  async function reload(who: Person): Promise<void> {
    await who.page.reload();
    await who.driver.waitForConnection('online');
  }

  /** Chooses a speaker by its name and returns its device id. */
  async function chooseSpeaker(who: Person, name: string): Promise<string> {
    const picker = who.page.getByLabel(who.t.speaker, { exact: true });
    await picker.locator('option', { hasText: name }).waitFor({ state: 'attached' });
    const [deviceId] = await picker.selectOption({ label: name });
    return deviceId;
  }

  it('2. each side picks a speaker from the list; the call plays on it, the ringback too, after a reload', async () => {
    const alice = await person('alice', 'en');
    const bob = await person('bob', 'zh-CN');
    await connect(alice, bob);

    // Chromium's fake outputs are listed next to the camera and microphone.
    const speakerNames = async (who: Person) =>
      who.page.getByLabel(who.t.speaker, { exact: true }).locator('option').allTextContents();
    await eventually(async () =>
      expect(await speakerNames(alice)).toStrictEqual([
        en.ui.defaultDevice,
        'Fake Default Audio Output',
        'Fake Audio Output 1',
        'Fake Audio Output 2',
      ]),
    );
    expect(await alice.page.evaluate(remoteSinkId)).toBe('');
    const aliceSpeaker = await chooseSpeaker(alice, 'Fake Audio Output 2');
    const bobSpeaker = await chooseSpeaker(bob, 'Fake Audio Output 1');
    expect(aliceSpeaker).not.toBe(bobSpeaker);
    await eventually(async () =>
      expect(await alice.page.evaluate(remoteSinkId)).toBe(aliceSpeaker),
    );
    await eventually(async () => expect(await bob.page.evaluate(remoteSinkId)).toBe(bobSpeaker));
    expect([await alice.driver.callState(), await bob.driver.callState()]).toStrictEqual([
      'connected',
      'connected',
    ]);
    await hangUp(alice, bob);

    // A new visit: the same speakers, before and during the next call, and alice's ringback.
    await Promise.all([reload(alice), reload(bob)]);
    await eventually(async () =>
      expect(await alice.page.evaluate(remoteSinkId)).toBe(aliceSpeaker),
    );
    await eventually(async () => expect(await bob.page.evaluate(remoteSinkId)).toBe(bobSpeaker));
    const dialledAt = Date.now();
    await connect(alice, bob);
    const ringback = (await alice.page.evaluate(sounds)).filter(
      (sound: SoundRecord) => sound.frequency === RINGBACK_HZ && sound.at >= dialledAt,
    );
    expect(ringback.length).toBeGreaterThan(0);
    expect(ringback.map((sound) => sound.sinkId)).toStrictEqual(ringback.map(() => aliceSpeaker));
    for (const [who, deviceId] of [
      [alice, aliceSpeaker],
      [bob, bobSpeaker],
    ] as const) {
      await eventually(async () =>
        expect(await who.page.getByLabel(who.t.speaker, { exact: true }).inputValue()).toBe(
          deviceId,
        ),
      );
      expect(await who.page.evaluate(remoteSinkId)).toBe(deviceId);
    }
    expect([...alice.errors, ...bob.errors]).toStrictEqual([]);
  });

  it('2. no speaker choice without setSinkId; a remembered speaker that is gone plays on the default, quietly', async () => {
    const alice = await person('alice', 'en', rememberedSpeakerGone);
    const bob = await person('bob', 'zh-CN', withoutSinkId);
    // bob's browser cannot route sound: no picker (the camera and microphone ones are there).
    await bob.page.getByLabel(bob.t.microphone, { exact: true }).waitFor();
    await bob.page.getByLabel(bob.t.camera, { exact: true }).waitFor();
    expect(await bob.page.getByLabel(bob.t.speaker, { exact: true }).isVisible()).toBe(false);
    await expect(bob.page.locator('#speaker-field').isHidden()).resolves.toBe(true);

    await connect(alice, bob);
    const alicePicker = alice.page.getByLabel(alice.t.speaker, { exact: true });
    await alicePicker.locator('option', { hasText: 'Fake Audio Output 1' }).waitFor({
      state: 'attached',
    });
    expect(await alicePicker.inputValue()).toBe(''); // "Default"
    expect(await alice.page.evaluate(remoteSinkId)).toBe('');
    expect(await bob.page.locator('#speaker-field').isHidden()).toBe(true);
    expect([await alice.driver.callState(), await bob.driver.callState()]).toStrictEqual([
      'connected',
      'connected',
    ]);
    await expect(alice.page.getByText(en.ui.mediaMissing).count()).resolves.toBe(0);
    expect([...alice.errors, ...bob.errors]).toStrictEqual([]);
  });

  it('5. noise suppression and echo cancellation change on the live microphone, in the call, and are kept', async () => {
    const alice = await person('alice', 'en');
    const bob = await person('bob', 'zh-CN');
    const box = (who: Person, key: 'noiseSuppression' | 'echoCancellation') =>
      who.page.getByRole('checkbox', { name: who.t[key], exact: true });
    for (const who of [alice, bob]) {
      expect(await box(who, 'noiseSuppression').isChecked()).toBe(true);
      expect(await box(who, 'echoCancellation').isChecked()).toBe(true);
    }
    await connect(alice, bob);
    const before = {
      alice: await alice.page.evaluate(sentMicrophone),
      bob: await bob.page.evaluate(sentMicrophone),
    };
    expect(before.alice?.settings).toMatchObject({
      noiseSuppression: true,
      echoCancellation: true,
    });
    expect(before.bob?.settings).toMatchObject({ noiseSuppression: true, echoCancellation: true });

    // alice turns noise suppression off, bob echo cancellation, during the call.
    await box(alice, 'noiseSuppression').uncheck();
    await box(bob, 'echoCancellation').uncheck();
    const changes = [
      [alice, before.alice, { noiseSuppression: false, echoCancellation: true }],
      [bob, before.bob, { noiseSuppression: true, echoCancellation: false }],
    ] as const;
    for (const [who, was, asked] of changes) {
      // The microphone the peer receives now processes as asked: changed in place where the
      // browser can, else (Chromium) reopened with them and swapped into the call.
      await eventually(async () => {
        const now = await who.page.evaluate(sentMicrophone);
        expect(now?.settings).toMatchObject(asked);
        expect(now?.readyState).toBe('live');
      });
      expect((await who.page.evaluate(sentMicrophone))?.id).not.toBe(was?.id);
      expect(await who.page.getByText(who.t.voiceNextCall).isVisible()).toBe(false);
      expect(await who.driver.callState()).toBe('connected');
      // The old microphone was closed: one live at a time.
      const states = await who.driver.localTrackStates();
      expect(states.filter((state) => state === 'audio:live')).toHaveLength(1);
    }
    // Neither call was restarted, and each side still hears the other.
    await Promise.all([
      alice.driver.waitForInboundGrowing('audio'),
      bob.driver.waitForInboundGrowing('audio'),
    ]);
    await alice.page.locator('.settings').screenshot({ path: 'test-artifacts/voice-settings.png' });
    await Promise.all([
      alice.driver.waitForInboundGrowing('video'),
      bob.driver.waitForInboundGrowing('video'),
    ]);
    await hangUp(bob, alice);

    // A new visit: the switches as left, and the next call's microphone really processes so.
    await Promise.all([reload(alice), reload(bob)]);
    for (const [who, , asked] of changes) {
      expect(await box(who, 'noiseSuppression').isChecked()).toBe(asked.noiseSuppression);
      expect(await box(who, 'echoCancellation').isChecked()).toBe(asked.echoCancellation);
    }
    await connect(alice, bob);
    for (const [who, , asked] of changes) {
      expect((await who.page.evaluate(sentMicrophone))?.settings).toMatchObject(asked);
      expect(await who.page.getByText(who.t.voiceNextCall).isVisible()).toBe(false);
    }
    // Turned back on in the call: the microphone the peer receives processes so again.
    await box(alice, 'noiseSuppression').check();
    await eventually(async () =>
      expect((await alice.page.evaluate(sentMicrophone))?.settings).toMatchObject({
        noiseSuppression: true,
      }),
    );
    await bob.driver.waitForInboundGrowing('audio');
    expect(await alice.driver.callState()).toBe('connected');
    expect([...alice.errors, ...bob.errors]).toStrictEqual([]);
  });
});
