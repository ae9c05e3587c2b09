// Issue 20, points 3 and 4: display names everywhere, a stranger marked, a name tile when the
// camera is off. Points 5 and 7: what shows over the video never overlaps, at 1366×657, 390×844 and
// 844×390 with 32-character names; full screen keeps the controls, and its button says what it
// does.
import assert from 'node:assert/strict';
import { describe, expect, it } from '@jest/globals';
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { en } from '../src/i18n/en.js';
import { format } from '../src/i18n/translation.js';
import { zhCN } from '../src/i18n/zh-cn.js';
import { CallPageDriver } from './browser/call-page-driver.js';
import { browserSuite } from './browser/browser-suite.js';
import { eventually } from './browser/eventually.js';
import { assertOnScreen } from './browser/on-screen.js';
import { PHONE } from './browser/viewports.js';
import { createUser } from './support/test-app.js';

const LONG_PREFIX = 'w'.repeat(28); // createUser adds a counter and letters: 32 characters
const LONG_NAME = 'Maximiliana Wolfeschlegelsteinha'; // 32 characters

const SIZES: [string, BrowserContextOptions][] = [
  ['1366×657', { viewport: { width: 1366, height: 657 } }],
  ['390×844', PHONE],
  ['844×390', { ...PHONE, viewport: { width: 844, height: 390 } }],
];

interface Box {
  what: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The boxes of every visible element `locator` matches, named `what`. */
async function boxes(locator: Locator, what: string): Promise<Box[]> {
  const found: Box[] = [];
  for (const [i, element] of (await locator.all()).entries()) {
    if (await element.isVisible()) {
      const box = await element.boundingBox();
      if (box) {
        found.push({ what: `${what} ${i}`, ...box });
      }
    }
  }
  return found;
}

function overlap(a: Box, b: Box): boolean {
  return (
    a.x < b.x + b.width - 0.5 &&
    b.x < a.x + a.width - 0.5 &&
    a.y < b.y + b.height - 0.5 &&
    b.y < a.y + a.height - 0.5
  );
}

/** What is over (or under) the video during a call, each checked against every other. */
async function assertNothingOverlaps(page: Page): Promise<void> {
  const all = [
    ...(await boxes(page.locator('.video-buttons button'), 'video button')),
    ...(await boxes(page.locator('#peer-media span'), 'peer label')),
    ...(await boxes(page.locator('.self-view'), 'self-view')),
    ...(await boxes(page.locator('#status'), 'status line')),
    ...(await boxes(page.locator('.controls'), 'controls')),
  ];
  assert.ok(all.filter((box) => box.what.startsWith('peer label')).length === 2, 'two labels');
  for (const [i, a] of all.entries()) {
    for (const b of all.slice(i + 1)) {
      assert.ok(
        !overlap(a, b),
        `${a.what} ${JSON.stringify(a)} overlaps ${b.what} ${JSON.stringify(b)}`,
      );
    }
  }
  for (const locator of [
    page.locator('.video-buttons button:visible').first(),
    page.locator('#peer-media span').last(),
    page.locator('#hangup-button'),
    page.locator('#mute-button'),
  ]) {
    await assertOnScreen(page, locator, await locator.evaluate((e: { id: string }) => e.id));
  }
}

describe('the call page over the video (issue 20, points 5 and 7)', () => {
  const suite = browserSuite();

  async function person(options: BrowserContextOptions, locale = 'en') {
    const context = await suite.newContext({ ...options, locale });
    const account = await createUser(suite.app.baseUrl, LONG_PREFIX, LONG_NAME);
    return CallPageDriver.logIn(context, suite.app.baseUrl, account);
  }

  it.each(SIZES)(
    'at %s with 32-character names, the peer labels, video buttons, self-view, status and controls never overlap',
    async (_size, options) => {
      const alice = await person(options);
      const bob = await person({ viewport: { width: 1366, height: 657 } });
      await alice.dial(bob.account.username);
      await bob.accept();
      await alice.waitForCallState('connected');
      await bob.page.locator('#mute-button').click();
      await bob.page.locator('#camera-button').click();
      await eventually(async () =>
        assert.equal(await alice.page.locator('#peer-media span').count(), 2),
      );
      await assertNothingOverlaps(alice.page);
    },
  );

  it.each([
    ['en', en.ui],
    ['zh-CN', zhCN.ui],
  ] as const)(
    'full screen (%s) takes the video and the controls together; its button says "Exit full screen" and is pressed',
    async (locale, t) => {
      const alice = await person({ viewport: { width: 1366, height: 657 } }, locale);
      const bob = await person({ viewport: { width: 1366, height: 657 } });
      await alice.page.locator('#friend').fill(bob.account.username); // labels in `locale`
      await alice.page.locator('#call-button').click();
      await bob.accept();
      await alice.waitForCallState('connected');
      const fullscreen = alice.page.locator('#fullscreen-button');
      expect(await fullscreen.innerText()).toBe(t.fullScreen);
      expect(await fullscreen.getAttribute('aria-pressed')).toBe('false');

      await fullscreen.click();
      await eventually(async () =>
        expect(await alice.page.evaluate('document.fullscreenElement?.id')).toBe('call-area'),
      );
      await eventually(async () => expect(await fullscreen.innerText()).toBe(t.exitFullScreen));
      expect(await fullscreen.getAttribute('aria-pressed')).toBe('true');
      for (const id of ['mute-button', 'camera-button', 'hangup-button', 'fullscreen-button']) {
        await assertOnScreen(alice.page, alice.page.locator(`#${id}`), id);
      }
      await fullscreen.click();
      await eventually(async () => expect(await fullscreen.innerText()).toBe(t.fullScreen));
      expect(await fullscreen.getAttribute('aria-pressed')).toBe('false');
      expect(await alice.page.evaluate('document.fullscreenElement')).toBeNull();
    },
  );

  it('names, not handles (bob in zh-CN): the incoming panel, title, status lines and overlays use display names, a stranger is marked; camera off shows a name tile', async () => {
    const alice = await CallPageDriver.logIn(
      await suite.newContext({ locale: 'en' }),
      suite.app.baseUrl,
      await createUser(suite.app.baseUrl, 'alice', 'Alice Liddell'),
    );
    const bob = await CallPageDriver.logIn(
      await suite.newContext({ locale: 'zh-CN' }),
      suite.app.baseUrl,
      await createUser(suite.app.baseUrl, 'bob', 'Bob Builder'),
    );
    await alice.dial(bob.account.username);
    await bob.page.locator('#incoming').waitFor();
    await eventually(async () => {
      expect(await bob.page.locator('#incoming-caller').innerText()).toBe(
        format(zhCN.ui.isCalling, { peer: 'Alice Liddell' }),
      );
      expect(await bob.page.locator('#incoming-handle').innerText()).toBe(
        `@${alice.account.username} · ${zhCN.ui.notInContacts}`,
      );
    });
    await eventually(async () =>
      expect(await bob.page.title()).toBe(format(zhCN.ui.incomingTitle, { peer: 'Alice Liddell' })),
    );
    await alice.waitForStatus(format(en.ui.statusRinging, { peer: 'Bob Builder' }));

    await bob.page.locator('#accept-audio-button').click();
    await alice.waitForStatus(format(en.ui.statusConnected, { peer: 'Bob Builder' }));
    await bob.waitForStatus(format(zhCN.ui.statusConnected, { peer: 'Alice Liddell' }));
    const tile = alice.page.locator('#peer-tile');
    await tile.waitFor();
    expect(await alice.page.locator('#peer-avatar').innerText()).toBe('BB');
    expect(await alice.page.locator('#peer-tile-name').innerText()).toBe('Bob Builder');
    expect(await alice.page.locator('#peer-tile-muted').isVisible()).toBe(false);
    await alice.page.getByText(format(en.ui.peerCameraOff, { peer: 'Bob Builder' })).waitFor();
    await assertOnScreen(alice.page, alice.page.locator('#peer-tile-name'), 'the name tile');

    // The camera on: the picture, not the tile. Off again while muted: the tile says so.
    await bob.page.locator('#camera-button').click();
    await tile.waitFor({ state: 'hidden' });
    await alice.waitForInboundGrowing('video');
    await bob.page.locator('#mute-button').click();
    await bob.page.locator('#camera-button').click();
    await tile.waitFor();
    await alice.page.locator('#peer-tile-muted').waitFor();
    await alice.page.getByText(format(en.ui.peerMicrophoneOff, { peer: 'Bob Builder' })).waitFor();
  });
});
