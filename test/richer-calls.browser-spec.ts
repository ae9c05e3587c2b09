// Issue 15, "Richer calls": what two people in a call see when one of them shares a screen.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { en } from '../src/i18n/en.js';
import { format } from '../src/i18n/translation.js';
import { CallPageDriver } from './browser/call-page-driver.js';
import { launchChromium } from './browser/chromium.js';
import { eventually } from './browser/eventually.js';
import type { InitScript } from './browser/fake-devices.js';
import { assertOnScreen } from './browser/on-screen.js';
import { PHONE } from './browser/viewports.js';
import { createUser, startTestApp, type TestApp } from './support/test-app.js';

/** Chromium's fake capture: the whole screen is picked in the share dialog without a prompt. */
const SCREEN_CAPTURE_ARGS = ['--auto-select-desktop-capture-source=Entire screen'];

interface SentTrack {
  kind: string;
  label: string;
  stop(): void;
  dispatchEvent(event: unknown): boolean;
}

interface ProbedPage {
  __dialtoneProbe: {
    peers: {
      getStats(): Promise<Map<string, { type: string; kind?: string } & Record<string, number>>>;
      getSenders(): { track: SentTrack | null }[];
    }[];
  };
  Event: new (type: string) => unknown;
}

/** The size of the frames the page's latest connection decodes, as its inbound-rtp says. */
async function inboundVideo(): Promise<{ width: number; height: number; bytes: number }> {
  const { peers } = (globalThis as unknown as ProbedPage).__dialtoneProbe;
  const stats = await peers[peers.length - 1].getStats();
  let found = { width: 0, height: 0, bytes: 0 };
  stats.forEach((report) => {
    if (report.type === 'inbound-rtp' && report.kind === 'video') {
      found = { width: report.frameWidth, height: report.frameHeight, bytes: report.bytesReceived };
    }
  });
  return found;
}

/** What the video sender carries: a camera's label, or the shared screen's. */
function sentVideoLabel(): string | null {
  const { peers } = (globalThis as unknown as ProbedPage).__dialtoneProbe;
  const sender = peers[peers.length - 1]
    .getSenders()
    .find((candidate) => candidate.track?.kind === 'video');
  return sender?.track?.label ?? null;
}

/** What the self-view shows: the label of its video track. */
function selfViewLabel(): string | null {
  const video = (
    globalThis as unknown as {
      document: {
        getElementById(id: string): { srcObject: { getVideoTracks(): SentTrack[] } | null };
      };
    }
  ).document.getElementById('local-video');
  return video.srcObject?.getVideoTracks()[0]?.label ?? null;
}

/** What the browser's own "Stop sharing" bar does: the screen track ends. */
function endScreenTrackAsTheBrowserDoes(): void {
  const { peers } = (globalThis as unknown as ProbedPage).__dialtoneProbe;
  const track = peers[peers.length - 1]
    .getSenders()
    .find((candidate) => candidate.track?.kind === 'video')?.track;
  if (!track) {
    throw new Error('no video is being sent');
  }
  track.stop();
  track.dispatchEvent(new (globalThis as unknown as ProbedPage).Event('ended'));
}

/** A phone's browser: no getDisplayMedia at all. */
const withoutScreenCapture: InitScript = () => {
  const devices = (globalThis as unknown as { MediaDevices: { prototype: object } }).MediaDevices;
  Reflect.deleteProperty(devices.prototype, 'getDisplayMedia');
};

/**
 * A network going bad, as the page's statistics would show it: with `__degrade` set to "loss",
 * every read adds 100 lost packets to what arrives; with "rtt", the round trip takes 800 ms.
 * Clearing it is the network recovering (no more packets lost from then on).
 */
const degradableStats: InitScript = () => {
  interface Degradable {
    __degrade?: 'loss' | 'rtt';
    RTCPeerConnection: {
      prototype: {
        getStats: (
          this: unknown,
          ...args: unknown[]
        ) => Promise<Map<string, Record<string, unknown>>>;
      };
    };
  }
  const page = globalThis as unknown as Degradable;
  const original = page.RTCPeerConnection.prototype.getStats;
  let extraLost = 0;
  page.RTCPeerConnection.prototype.getStats = async function degraded(
    this: unknown,
    ...args: unknown[]
  ) {
    const report = await original.apply(this, args);
    if (page.__degrade === 'loss') {
      extraLost += 100;
    }
    const changed = new Map<string, Record<string, unknown>>();
    report.forEach((entry, id) => {
      const copy = { ...entry };
      if (copy.type === 'inbound-rtp' && copy.kind === 'video') {
        copy.packetsLost = Number(copy.packetsLost ?? 0) + extraLost;
      }
      if (copy.type === 'candidate-pair' && page.__degrade === 'rtt') {
        copy.currentRoundTripTime = 0.8;
      }
      changed.set(id, copy);
    });
    return changed;
  };
};

function degrade(mode: string): void {
  (globalThis as unknown as { __degrade?: string }).__degrade = mode || undefined;
}

/**
 * Records which element asked the browser for full screen or picture-in-picture (then asks), and
 * keeps each request's promise: leaving waits for them, or a mode still being entered would come
 * on after the leave (and the next press would leave it instead of asking).
 */
const recordVideoRequests: InitScript = () => {
  interface Requests {
    __videoRequests: string[];
    __videoPending: Promise<unknown>[];
    Element: { prototype: Record<string, unknown> };
    HTMLVideoElement: { prototype: Record<string, unknown> };
  }
  const page = globalThis as unknown as Requests;
  page.__videoRequests = [];
  page.__videoPending = [];
  const record = (prototype: Record<string, unknown>, name: string) => {
    const original = prototype[name] as (this: { id: string }) => Promise<unknown>;
    prototype[name] = function recorded(this: { id: string }) {
      page.__videoRequests.push(`${name} ${this.id}`);
      const request = original.call(this);
      page.__videoPending.push(request);
      return request;
    };
  };
  record(page.Element.prototype, 'requestFullscreen');
  record(page.HTMLVideoElement.prototype, 'requestPictureInPicture');
};

async function leaveFullscreenAndPictureInPicture(): Promise<void> {
  const { document, __videoPending: pending } = globalThis as unknown as {
    __videoPending: Promise<unknown>[];
    document: {
      fullscreenElement: unknown;
      pictureInPictureElement: unknown;
      exitFullscreen(): Promise<void>;
      exitPictureInPicture(): Promise<void>;
    };
  };
  await Promise.allSettled(pending.splice(0));
  if (document.fullscreenElement) {
    await document.exitFullscreen();
  }
  if (document.pictureInPictureElement) {
    await document.exitPictureInPicture();
  }
}

function videoRequests(): string[] {
  return (globalThis as unknown as { __videoRequests: string[] }).__videoRequests;
}

describe('richer calls (issue 15)', () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(), launchChromium(SCREEN_CAPTURE_ARGS)]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  async function person(
    prefix: string,
    initScript?: InitScript,
    options: BrowserContextOptions = {},
  ): Promise<CallPageDriver> {
    const context = await browser.newContext(options);
    contexts.push(context);
    if (initScript) {
      await context.addInitScript(initScript);
    }
    const account = await createUser(app.baseUrl, prefix);
    return CallPageDriver.logIn(context, app.baseUrl, account);
  }

  async function connect(caller: CallPageDriver, callee: CallPageDriver): Promise<void> {
    await caller.dial(callee.account.username);
    await callee.accept();
    await Promise.all([caller.waitForRemoteVideo(), callee.waitForRemoteVideo()]);
    await Promise.all([caller.waitForCallState('connected'), callee.waitForCallState('connected')]);
  }

  const shareButton = (page: Page) => page.getByRole('button', { name: en.ui.shareScreen });
  const stopButton = (page: Page) => page.getByRole('button', { name: en.ui.stopScreenShare });

  /**
   * The peer receives frames shaped like `size` (or unlike it), and they keep coming. The shape
   * (width / height), not the size: a loaded machine makes the sender scale its video down.
   */
  async function receivesVideo(page: Page, size: { width: number; height: number }, same = true) {
    const shape = ({ width, height }: { width: number; height: number }) =>
      (width / height).toFixed(2);
    await eventually(async () => {
      const before = await page.evaluate(inboundVideo);
      if (same) {
        expect(shape(before)).toBe(shape(size));
      } else {
        expect(shape(before)).not.toBe(shape(size));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await page.evaluate(inboundVideo)).bytes).toBeGreaterThan(before.bytes);
    }, 15_000);
  }

  it('1. alice shares her screen in the call and stops from the browser; a phone has no button', async () => {
    const alice = await person('alice');
    const bob = await person('bob', withoutScreenCapture);
    await expect(shareButton(alice.page).isVisible()).resolves.toBe(false); // not before a call
    await connect(alice, bob);

    const { width, height } = await bob.page.evaluate(inboundVideo);
    const camera = { width, height };
    const cameraLabel = await alice.page.evaluate(sentVideoLabel);
    expect(camera.width).toBeGreaterThan(0);
    // bob's browser cannot share a screen: he has no such button, in a call or not.
    await expect(shareButton(alice.page).isVisible()).resolves.toBe(true);
    await expect(bob.page.locator('#share-button').isHidden()).resolves.toBe(true);

    await shareButton(alice.page).click();
    await stopButton(alice.page).waitFor();
    expect(await stopButton(alice.page).getAttribute('aria-pressed')).toBe('true');
    // The same call and connection: the screen replaced the camera on the video sender.
    await eventually(async () =>
      expect(await alice.page.evaluate(sentVideoLabel)).not.toBe(cameraLabel),
    );
    const sharing = format(en.ui.peerSharingScreen, { peer: alice.account.username });
    await bob.page.getByText(sharing).waitFor();
    await receivesVideo(bob.page, camera, false);
    expect(await bob.callState()).toBe('connected');
    // The sharer sees what is shared, and that it is (issue 20, Low): her self-view previews the
    // screen, unmirrored, under "You are presenting your screen".
    const presenting = alice.page.getByText(en.ui.youArePresenting);
    await presenting.waitFor();
    expect(await alice.page.evaluate(selfViewLabel)).toBe(
      await alice.page.evaluate(sentVideoLabel),
    );
    expect(await alice.page.locator('#local-video').getAttribute('data-mirrored')).toBe('false');

    // The browser's own "Stop sharing": the camera comes back, and the label goes away.
    await alice.page.evaluate(endScreenTrackAsTheBrowserDoes);
    await shareButton(alice.page).waitFor();
    expect(await alice.page.evaluate(sentVideoLabel)).toBe(cameraLabel);
    await presenting.waitFor({ state: 'hidden' });
    expect(await alice.page.evaluate(selfViewLabel)).toBe(cameraLabel);
    await bob.page.getByText(sharing).waitFor({ state: 'hidden' });
    await receivesVideo(bob.page, camera);

    // Again, stopped with the page's own button this time.
    await shareButton(alice.page).click();
    await bob.page.getByText(sharing).waitFor();
    await stopButton(alice.page).click();
    await bob.page.getByText(sharing).waitFor({ state: 'hidden' });
    await receivesVideo(bob.page, camera);
    expect(await alice.page.evaluate(sentVideoLabel)).toBe(cameraLabel);
    expect([await alice.callState(), await bob.callState()]).toStrictEqual([
      'connected',
      'connected',
    ]);
  });

  it('2. a poor connection is shown only while it is poor, on the side it is, with the figures', async () => {
    const alice = await person('alice', degradableStats);
    const bob = await person('bob', degradableStats);
    await connect(alice, bob);
    const indicator = (page: Page) => page.locator('#quality-indicator');
    // A good call shows nothing (the readings run every 2 s).
    await new Promise((resolve) => setTimeout(resolve, 4500));
    await expect(indicator(alice.page).isHidden()).resolves.toBe(true);
    await expect(indicator(bob.page).isHidden()).resolves.toBe(true);

    // Packets from alice are lost on the way to bob: bob reads that it is alice's side.
    await bob.page.evaluate(degrade, 'loss');
    const peerSide = format(en.ui.poorConnectionPeer, { peer: alice.account.username });
    await bob.page.getByRole('status').filter({ hasText: peerSide }).waitFor({ timeout: 10_000 });
    await expect(indicator(alice.page).isHidden()).resolves.toBe(true);

    // The figures, in the panel bob opens.
    await bob.page.getByText(en.ui.connectionDetails).click();
    const figures = bob.page.locator('#quality-figures');
    await expect(figures.getByText(en.ui.qualityDirect).isVisible()).resolves.toBe(true);
    await eventually(async () => {
      const text = await figures.innerText();
      expect(text).toMatch(/VP8|VP9|H264|AV1/);
      expect(text).toMatch(/\d+×\d+/); // the camera's size, or less if the sender adapts
      expect(text).toMatch(/[1-9]\d* kbit\/s/);
      expect(text).toMatch(/\d+ ms/);
    });

    // The network recovers: the indicator goes away.
    await bob.page.evaluate(degrade, '');
    await indicator(bob.page).waitFor({ state: 'hidden', timeout: 10_000 });

    // A long round trip on alice's side: alice reads that it is hers.
    await alice.page.evaluate(degrade, 'rtt');
    await alice.page
      .getByRole('status')
      .filter({ hasText: en.ui.poorConnectionSelf })
      .waitFor({ timeout: 10_000 });
    await alice.page.evaluate(degrade, '');
    await indicator(alice.page).waitFor({ state: 'hidden', timeout: 10_000 });

    // After the call nothing is left on screen.
    await alice.hangUp();
    await bob.waitForCallState('idle');
    await expect(bob.page.locator('#quality-details').isHidden()).resolves.toBe(true);
  });

  it('3. full screen and picture-in-picture on the remote video, by button and by shortcut', async () => {
    const alice = await person('alice', recordVideoRequests);
    const bob = await person('bob');
    const page = alice.page;
    const fullscreen = page.getByRole('button', { name: en.ui.fullScreen });
    const pip = page.getByRole('button', { name: en.ui.pictureInPicture });
    await expect(fullscreen.isVisible()).resolves.toBe(false); // no call, nothing to enlarge
    await connect(alice, bob);

    const withKeys = (label: string, keys: string) => format(en.ui.withShortcut, { label, keys });
    expect(await fullscreen.getAttribute('title')).toBe(withKeys(en.ui.fullScreen, 'Alt+Shift+F'));
    expect(await pip.getAttribute('title')).toBe(withKeys(en.ui.pictureInPicture, 'Alt+Shift+P'));

    // By the shortcuts first, then (after leaving both) by the buttons.
    await page.keyboard.press('Alt+Shift+F');
    await page.keyboard.press('Alt+Shift+P');
    const both = ['requestFullscreen call-area', 'requestPictureInPicture remote-video'];
    await eventually(async () => expect(await page.evaluate(videoRequests)).toStrictEqual(both));
    await page.evaluate(leaveFullscreenAndPictureInPicture);
    await fullscreen.click();
    await pip.click();
    await eventually(async () =>
      expect(await page.evaluate(videoRequests)).toStrictEqual([...both, ...both]),
    );
  });

  it('4. on a phone every overlay of a call is on screen and clear of the controls and of each other', async () => {
    const alice = await person('alice', degradableStats, PHONE);
    const bob = await person('bob');
    const page = alice.page;
    await connect(alice, bob);

    // Everything at once: bob's microphone and camera off, a poor connection, the figures open.
    await bob.page.getByRole('button', { name: en.ui.muteMicrophone }).click();
    await bob.page.getByRole('button', { name: en.ui.turnCameraOff }).click();
    const peer = { peer: bob.account.username };
    await page.getByText(format(en.ui.peerMicrophoneOff, peer)).waitFor();
    await page.getByText(format(en.ui.peerCameraOff, peer)).waitFor();
    await page.evaluate(degrade, 'rtt');
    await page.getByText(en.ui.poorConnectionSelf).waitFor({ timeout: 10_000 });
    await page.getByText(en.ui.connectionDetails).click();
    await page.locator('#quality-figures').getByText(en.ui.qualityDirect).waitFor();

    const overlays = {
      "the peer's camera and microphone": page.locator('#peer-media'),
      'the poor connection line': page.locator('#quality-indicator'),
      'the connection details': page.locator('#quality-details'),
      [en.ui.fullScreen]: page.getByRole('button', { name: en.ui.fullScreen }),
      [en.ui.pictureInPicture]: page.getByRole('button', { name: en.ui.pictureInPicture }),
      'the self-view': page.getByLabel(en.ui.yourVideo),
    };
    const bar = {
      [en.ui.hangUp]: page.getByRole('button', { name: en.ui.hangUp }),
      [en.ui.muteMicrophone]: page.getByRole('button', { name: en.ui.muteMicrophone }),
      [en.ui.turnCameraOff]: page.getByRole('button', { name: en.ui.turnCameraOff }),
      'the status line': page.locator('#status'),
    };
    const boxes: [string, { x: number; y: number; width: number; height: number }][] = [];
    for (const [what, locator] of Object.entries({ ...overlays, ...bar })) {
      await assertOnScreen(page, locator, what);
      const box = await locator.boundingBox();
      if (box) {
        boxes.push([what, box]);
      }
    }
    const callBar = await page.locator('.call-bar').boundingBox();
    expect(callBar).not.toBeNull();
    const overlap = (a: typeof callBar, b: typeof callBar): boolean =>
      a !== null &&
      b !== null &&
      a.x < b.x + b.width &&
      b.x < a.x + a.width &&
      a.y < b.y + b.height &&
      b.y < a.y + a.height;
    const clashes: string[] = [];
    boxes.forEach(([what, box], index) => {
      if (what in overlays && overlap(box, callBar)) {
        clashes.push(`${what} over the call bar`);
      }
      for (const [other, otherBox] of boxes.slice(index + 1)) {
        if (overlap(box, otherBox)) {
          clashes.push(`${what} and ${other}`);
        }
      }
    });
    expect(clashes).toStrictEqual([]);
    await page.screenshot({ path: 'test-artifacts/richer-call-phone.png' });
  });
});
