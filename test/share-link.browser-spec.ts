// Issue 20, point 12: "Share my link" and the share page /u/<username>: a visitor who is not
// logged in registers and comes back, then calls or asks to be a contact.
import { describe, expect, it } from '@jest/globals';
import { en } from '../src/i18n/en.js';
import { format } from '../src/i18n/translation.js';
import { zhCN } from '../src/i18n/zh-cn.js';
import { CallPageDriver } from './browser/call-page-driver.js';
import { browserSuite } from './browser/browser-suite.js';
import { installProbe } from './browser/probe.js';
import { createUser } from './support/test-app.js';

describe('sharing your address (issue 20, point 12)', () => {
  const suite = browserSuite();

  it('bob shares his link; carol (zh-CN, no account) registers through it, comes back, asks to be a contact and calls him', async () => {
    const base = suite.app.baseUrl;
    const bobContext = await suite.newContext();
    await bobContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const bob = await CallPageDriver.logIn(
      bobContext,
      base,
      await createUser(base, 'bob', 'Bob Builder'),
    );
    const link = `${base}/u/${bob.account.username}`;
    await bob.page.getByRole('button', { name: en.ui.shareMyLink }).click();
    await bob.page.getByText(format(en.ui.shareLinkCopied, { link })).waitFor();
    expect(await bob.page.evaluate('navigator.clipboard.readText()')).toBe(link);

    const carolContext = await suite.newContext({ locale: 'zh-CN' });
    await carolContext.addInitScript(installProbe);
    const carol = await carolContext.newPage();
    await carol.goto(link);
    expect(new URL(carol.url()).pathname).toBe('/login');
    const account = zhCN.account;
    await carol.getByRole('link', { name: account.createOne }).click();
    const username = `carol${Date.now().toString(36)}`;
    await carol.getByLabel(account.username).fill(username);
    await carol.getByLabel(account.displayName).fill('Carol Danvers');
    await carol.getByLabel(account.password).fill('correct horse battery');
    await carol.getByRole('button', { name: account.createAccount }).click();
    await carol.waitForURL(link);
    await carol.getByRole('heading', { name: 'Bob Builder' }).waitFor();

    await carol.getByRole('button', { name: zhCN.ui.shareAskContact }).click();
    await carol.getByText(zhCN.ui.shareAsked).waitFor();
    await carol
      .getByRole('link', { name: format(zhCN.ui.shareCall, { peer: 'Bob Builder' }) })
      .click();
    await carol.waitForURL(`**/webrtc/${username}?call=${bob.account.username}`);
    await carol.locator('#connection[data-state="online"]').waitFor();
    expect(await carol.locator('#friend').inputValue()).toBe(bob.account.username);
    await carol.locator('#call-button').click();
    await bob.incomingPanel.waitFor();
    expect(await bob.page.locator('#incoming-caller').innerText()).toBe(
      format(en.ui.isCalling, { peer: 'Carol Danvers' }),
    );
  });

  it("the share page of nobody is a 404 that says so, and one's own page shows the link", async () => {
    const base = suite.app.baseUrl;
    const alice = await CallPageDriver.logIn(
      await suite.newContext(),
      base,
      await createUser(base, 'alice', 'Alice Liddell'),
    );
    const missing = await alice.page.goto(`${base}/u/nobody-here-at-all`);
    expect(missing?.status()).toBe(404);
    await alice.page
      .getByRole('heading', {
        name: format(en.ui.shareNotFound, { username: 'nobody-here-at-all' }),
      })
      .waitFor();
    await alice.page.goto(`${base}/u/${alice.account.username}`);
    await alice.page.getByText(en.ui.shareOwnLink).waitFor();
    await alice.page.getByText(`${base}/u/${alice.account.username}`).waitFor();
  });
});
