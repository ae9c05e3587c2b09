// Issue 20, points 2 and 8: calling back is not refused (a cancel costs nothing, answered calls
// never count, a decline cools down briefly and the page counts it down), and call waiting.
import assert from 'node:assert/strict';
import { describe, expect, it } from '@jest/globals';
import type { BrowserContext } from 'playwright-core';
import { en } from '../src/i18n/en.js';
import type { Locale } from '../src/i18n/locale.js';
import { format } from '../src/i18n/translation.js';
import { zhCN } from '../src/i18n/zh-cn.js';
import { assertNoViolations } from './browser/axe-audit.js';
import { CallPageDriver } from './browser/call-page-driver.js';
import { browserSuite } from './browser/browser-suite.js';
import { eventually } from './browser/eventually.js';
import { createUser } from './support/test-app.js';

interface Person {
  context: BrowserContext;
  page: CallPageDriver;
  displayName: string;
}

const COOLDOWN_SECONDS = 3;

describe('calling back and call waiting on the call page (issue 20)', () => {
  const suite = browserSuite({ CALL_COOLDOWN: String(COOLDOWN_SECONDS) });

  async function person(prefix: string, displayName: string, locale: Locale = 'en') {
    const context = await suite.newContext({ locale });
    const { username, password } = await createUser(suite.app.baseUrl, prefix, displayName);
    const page = await CallPageDriver.logIn(context, suite.app.baseUrl, { username, password });
    return { context, page, displayName } satisfies Person;
  }

  /** Dials by the elements' ids: the driver's labels are English, some pages here are not. */
  async function dial(caller: Person, callee: Person): Promise<void> {
    await caller.page.page.locator('#friend').fill(callee.page.account.username);
    await caller.page.page.locator('#call-button').click();
  }

  /** `caller` dials `callee` and the callee's page shows the incoming call. */
  async function ringsThrough(caller: Person, callee: Person): Promise<void> {
    await dial(caller, callee);
    await callee.page.page.locator('#incoming').waitFor();
    await caller.page.waitForCallState('ringing');
  }

  async function connect(caller: Person, callee: Person): Promise<void> {
    await ringsThrough(caller, callee);
    await callee.page.page.locator('#accept-button').click();
    await Promise.all([
      caller.page.waitForCallState('connected', 20_000),
      callee.page.waitForCallState('connected', 20_000),
    ]);
  }

  it('cancel, then call again at once: it rings', async () => {
    const alice = await person('alice', 'Alice Liddell');
    const bob = await person('bob', 'Bob Builder');
    await ringsThrough(alice, bob);
    await alice.page.hangUp(); // a mis-click
    await bob.page.waitForCallState('idle');
    await ringsThrough(alice, bob);
    await alice.page.waitForStatus(format(en.ui.statusRinging, { peer: bob.displayName }));
  });

  it('four answered calls, then a fifth rings', async () => {
    const alice = await person('alice', 'Alice Liddell');
    const bob = await person('bob', 'Bob Builder');
    for (let i = 0; i < 4; i++) {
      await connect(alice, bob);
      await alice.page.hangUp();
      await bob.page.waitForCallState('idle');
    }
    await ringsThrough(alice, bob);
  });

  it.each(['en', 'zh-CN'] as const)(
    'decline: the caller (%s) sees why and a live countdown, not "Ended:", then the call goes through',
    async (locale) => {
      const t = locale === 'en' ? en : zhCN;
      const alice = await person('alice', 'Alice Liddell', locale);
      const bob = await person('bob', 'Bob Builder');
      await ringsThrough(alice, bob);
      await bob.page.reject();
      await alice.page.waitForCallState('idle');
      await alice.page.watchStatus();
      await dial(alice, bob);
      const counting = (seconds: number) =>
        format(t.ui.declinedCallAgainIn, { peer: bob.displayName, seconds });
      // Some of the cooldown passed while the decline came back: 3 s or 2 s at first.
      await eventually(async () => {
        const text = await alice.page.statusText();
        assert.ok([counting(3), counting(2)].includes(text), text);
      });
      await alice.page.waitForStatus(counting(1), 3000);
      await alice.page.waitForStatus(format(t.ui.callAgainNow, { peer: bob.displayName }), 3000);
      const seen = await alice.page.statusesSeen();
      const ended = format(t.ui.statusEnded, { reason: '' });
      expect(seen.filter((text) => text.startsWith(ended))).toStrictEqual([]);
      expect(seen).toContain(counting(1));
      assert.equal(await bob.page.callState(), 'idle'); // nothing rang while it counted down
      await ringsThrough(alice, bob);
    },
  );

  it('call waiting: Carol calls Bob during his call; End & accept switches, Alice sees switched, media flows', async () => {
    const alice = await person('alice', 'Alice Liddell');
    const bob = await person('bob', 'Bob Builder', 'zh-CN');
    const carol = await person('carol', 'Carol Danvers');
    await connect(alice, bob);
    await dial(carol, bob);
    await carol.page.waitForCallState('ringing');
    const banner = bob.page.page.locator('#waiting');
    await banner.waitFor();
    await eventually(async () =>
      assert.equal(
        await bob.page.page.locator('#waiting-caller').innerText(),
        format(zhCN.ui.waitingCaller, { peer: carol.displayName }),
      ),
    );
    // The soft call-waiting tone plays (Bob's page was clicked: sound is allowed).
    await eventually(async () => assert.equal(await banner.getAttribute('data-tone'), 'playing'));
    // The current call goes on meanwhile, and no incoming panel covers it.
    assert.equal(await bob.page.callState(), 'connected');
    assert.equal(await bob.page.page.locator('#incoming').isHidden(), true);
    await bob.page.page.getByRole('button', { name: zhCN.ui.endAndAccept }).click();
    await alice.page.waitForCallState('idle');
    await alice.page.waitForStatus(
      format(en.ui.statusEnded, {
        reason: format(en.codes.switched, { peer: bob.displayName }),
      }),
    );
    await Promise.all([
      carol.page.waitForCallState('connected', 20_000),
      bob.page.waitForCallState('connected', 20_000),
    ]);
    await Promise.all([
      carol.page.waitForInboundGrowing('video', 20_000),
      bob.page.waitForInboundGrowing('video', 20_000),
    ]);
    assert.equal(await banner.isHidden(), true);
    assert.equal(await banner.getAttribute('data-tone'), 'stopped');
  });

  it('call waiting: Decline leaves the current call as it was; the waiting caller hears declined', async () => {
    const alice = await person('alice', 'Alice Liddell');
    const bob = await person('bob', 'Bob Builder');
    const carol = await person('carol', 'Carol Danvers');
    await connect(alice, bob);
    await dial(carol, bob);
    await bob.page.page.locator('#waiting').waitFor();
    await assertNoViolations(bob.page.page, 'the call waiting banner');
    await bob.page.page.getByRole('button', { name: en.ui.declineWaiting }).click();
    // A call that never began says why without "Ended:" (issue 20, Low).
    await carol.page.waitForStatus(format(en.codes.rejected, { peer: bob.displayName }));
    assert.equal(await bob.page.page.locator('#waiting').isHidden(), true);
    await Promise.all([
      alice.page.waitForInboundGrowing('video'),
      bob.page.waitForInboundGrowing('video'),
    ]);
    assert.equal(await alice.page.callState(), 'connected');
  });
});
