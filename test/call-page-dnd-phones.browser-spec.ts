// Issue 20, point 9: do-not-disturb is visible in the header (with its end), a call missed under it
// reaches Recent calls and the title at once, and who-can-call / do-not-disturb / blocks are where
// people look. Point 10: on a phone the idle page starts with the dial form and contacts, shows no
// call controls, and its top bar is one row with a menu for the account actions.
import assert from 'node:assert/strict';
import { describe, expect, it } from '@jest/globals';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { en } from '../src/i18n/en.js';
import { privacyEn } from '../src/i18n/privacy.en.js';
import { privacyZhCN } from '../src/i18n/privacy.zh-cn.js';
import { format } from '../src/i18n/translation.js';
import { zhCN } from '../src/i18n/zh-cn.js';
import { CallPageDriver } from './browser/call-page-driver.js';
import { browserSuite } from './browser/browser-suite.js';
import { eventually } from './browser/eventually.js';
import { assertNoViolations } from './browser/axe-audit.js';
import { assertOnScreen } from './browser/on-screen.js';
import { PHONE } from './browser/viewports.js';
import { createUser } from './support/test-app.js';

const LAPTOP: BrowserContextOptions = { viewport: { width: 1366, height: 657 } };
const SIZES: [string, BrowserContextOptions][] = [
  ['390×844', PHONE],
  ['844×390', { ...PHONE, viewport: { width: 844, height: 390 } }],
];
const LANGUAGES = [
  ['en', en, privacyEn],
  ['zh-CN', zhCN, privacyZhCN],
] as const;

/** The fixed text of a sentence before its first `{placeholder}`. */
const before = (sentence: string): string => sentence.slice(0, sentence.indexOf('{'));

describe('do-not-disturb in sight, and phones (issue 20, points 9 and 10)', () => {
  const suite = browserSuite();

  async function person(
    prefix: string,
    name: string,
    options: BrowserContextOptions = LAPTOP,
    locale = 'en',
  ) {
    const context = await suite.newContext({ ...options, locale });
    const account = await createUser(suite.app.baseUrl, prefix, name);
    return CallPageDriver.logIn(context, suite.app.baseUrl, account);
  }

  const connection = (page: Page) => page.locator('#connection');

  it.each(LANGUAGES)(
    '9 (%s): the header says do-not-disturb and until when; a call missed under it is in Recent calls and the title at once',
    async (locale, t, p) => {
      const bob = await person('bob', 'Bob Builder', LAPTOP, locale);
      const alice = await person('alice', 'Alice Liddell');
      expect(await connection(bob.page).innerText()).toBe(t.ui.connectionOnline);

      // Who can call, do-not-disturb and blocks are reached from the header, and sit above the
      // device settings rather than at the bottom of the sidebar.
      await bob.page.getByRole('link', { name: t.ui.privacyLink }).click();
      await eventually(async () =>
        expect(await bob.page.evaluate('document.activeElement?.id')).toBe('privacy-panel'),
      );
      await assertOnScreen(bob.page, bob.page.getByLabel(p.doNotDisturb), 'the switch');
      const order = await bob.page.evaluate<string[]>(
        "[...document.querySelectorAll('.sidebar > *')].map((e) => e.id || e.className)",
      );
      expect(order.indexOf('privacy-panel')).toBeLessThan(order.indexOf('panel settings'));

      await bob.page.getByLabel(p.doNotDisturbFor).selectOption({ label: p.forOneHour });
      await bob.page.getByLabel(p.doNotDisturb).check();
      await eventually(async () =>
        expect(await connection(bob.page).innerText()).toMatch(
          new RegExp(`^${before(t.ui.connectionDoNotDisturbUntil)}\\S*\\d:\\d\\d`),
        ),
      );
      // The same time as the panel says.
      const shown = (await connection(bob.page).innerText()).slice(
        before(t.ui.connectionDoNotDisturbUntil).length,
      );
      expect(await bob.page.locator('#dnd-state').innerText()).toContain(shown);
      expect(await connection(bob.page).getAttribute('data-do-not-disturb')).toBe('true');
      await assertNoViolations(bob.page, `call page with do-not-disturb on, ${locale}`);
      const recentBefore = await bob.page.locator('#recent-calls > li').count();

      await alice.dial(bob.account.username);
      await alice.waitForStatus(format(en.codes.unavailable, { peer: 'Bob Builder' }));
      // No reload: the missed call appears, and the title counts it.
      await eventually(async () =>
        expect(await bob.page.locator('#recent-calls > li').count()).toBe(recentBefore + 1),
      );
      const line = bob.page.locator('#recent-calls > li').first();
      expect(await line.locator('.recent-call').getAttribute('data-outcome')).toBe('missed');
      expect(await line.innerText()).toContain('Alice Liddell');
      expect(await line.innerText()).toContain(t.ui.missed);
      await eventually(async () =>
        expect(await bob.page.title()).toBe(`${t.ui.missedCallsOne} · Dialtone`),
      );
      // Alice's own page lists the attempt too.
      await eventually(async () =>
        expect(
          await alice.page
            .locator('#recent-calls .recent-call')
            .first()
            .getAttribute('data-outcome'),
        ).toBe('wasUnavailable'),
      );

      await bob.page.getByLabel(p.doNotDisturb).uncheck();
      await eventually(async () =>
        expect(await connection(bob.page).innerText()).toBe(t.ui.connectionOnline),
      );
    },
  );

  it('9: do-not-disturb without an end says so in the header, on a phone as well', async () => {
    const bob = await person('bob', 'Bob Builder', PHONE);
    await bob.page.getByLabel(privacyEn.doNotDisturb).check();
    await eventually(async () =>
      expect(await connection(bob.page).innerText()).toBe(en.ui.connectionDoNotDisturb),
    );
    await bob.page.evaluate('window.scrollTo(0, 0)');
    await assertOnScreen(bob.page, connection(bob.page), 'the do-not-disturb state');
  });

  it.each(SIZES)(
    '10 at %s: idle, the dial form and contacts come first, no call controls; the top bar is one row with a menu',
    async (_size, options) => {
      for (const [locale, t] of LANGUAGES) {
        const alice = await person('alice', 'Maximiliana Wolfeschlegelsteinha', options, locale);
        const { page } = alice;
        await alice.waitForConnection('online');
        // Do-not-disturb on: the longest thing the header says still fits in the one row.
        await page.evaluate(`fetch('/privacy', {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            doNotDisturb: true,
            doNotDisturbUntil: new Date(Date.now() + 3600000).toISOString(),
          }),
        })`);
        await page.reload();
        await eventually(async () =>
          expect(await connection(page).getAttribute('data-do-not-disturb')).toBe('true'),
        );

        for (const [locator, what] of [
          [page.locator('#friend'), 'the friend field'],
          [page.locator('#call-button'), 'Call'],
          [page.locator('#contacts-title'), 'the contacts title'],
          [page.locator('#status'), 'the status line'],
          [page.locator('#menu-button'), 'the menu button'],
          [connection(page), 'the connection state'],
        ] as const) {
          await assertOnScreen(page, locator, `${locale} ${what}`);
        }
        // Above the video area, which holds no call controls while idle.
        const friend = await page.locator('#friend').boundingBox();
        const stage = await page.locator('#stage').boundingBox();
        assert.ok(friend && stage && friend.y < stage.y, 'the dial form is above the stage');
        for (const id of ['mute-button', 'camera-button', 'hangup-button']) {
          expect(await page.locator(`#${id}`).isVisible()).toBe(false);
        }
        // One row: every item of the bar on the same line, the bar no taller than one button.
        const rows = await page.evaluate<number[]>(
          `[...document.querySelectorAll('.topbar > *')]
            .map((e) => e.getBoundingClientRect())
            .filter((r) => r.width > 1)
            .map((r) => Math.round(r.top + r.height / 2))`,
        );
        expect(Math.max(...rows) - Math.min(...rows)).toBeLessThanOrEqual(4);
        expect((await page.locator('.topbar').boundingBox())?.height).toBeLessThan(64);
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth');
        expect(overflow).toBeLessThanOrEqual(options.viewport?.width ?? 0);

        // The account actions are in the menu.
        const logOut = page.getByRole('button', { name: t.ui.logOut, exact: true });
        expect(await logOut.isVisible()).toBe(false);
        await page.getByRole('button', { name: t.ui.menu }).click();
        expect(await page.locator('#menu-button').getAttribute('aria-expanded')).toBe('true');
        for (const item of [
          logOut,
          page.getByRole('button', { name: t.ui.logOutEverywhere }),
          page.getByRole('link', { name: t.ui.myAccount }),
          page.getByRole('link', { name: t.ui.privacyLink }),
        ]) {
          await assertOnScreen(page, item, `${locale} menu item`);
        }
        await assertNoViolations(page, `phone call page, menu open, ${locale}`);
        await page.keyboard.press('Escape');
        expect(await logOut.isVisible()).toBe(false);
        expect(await page.evaluate('document.activeElement?.id')).toBe('menu-button');
      }
    },
  );

  it('10: at 1366×657 the account actions stand in the top bar, no menu button', async () => {
    const alice = await person('alice', 'Alice Liddell');
    expect(await alice.page.locator('#menu-button').isVisible()).toBe(false);
    await assertOnScreen(
      alice.page,
      alice.page.getByRole('button', { name: en.ui.logOut, exact: true }),
      'Log out',
    );
  });
});
