import { describe, expect, it } from '@jest/globals';
import { en } from '../src/i18n/en.js';
import { browserSuite } from './browser/browser-suite.js';
import { CallPageDriver } from './browser/call-page-driver.js';
import { createUser } from './support/test-app.js';

/** A page of another site, as an attacker would host it (Playwright serves it in the browser). */
const ATTACKER = 'http://attacker.test';

describe('account security, seen from Chromium', () => {
  const suite = browserSuite();

  it('"Log out everywhere" sends this browser and the user’s other devices to the login page', async () => {
    const base = suite.app.baseUrl;
    const user = await createUser(base, 'everywhere');
    const laptop = await CallPageDriver.logIn(await suite.newContext(), base, user);
    const phone = await CallPageDriver.logIn(await suite.newContext(), base, user);

    await laptop.page.getByRole('button', { name: 'Log out everywhere' }).click();

    // The form's redirect or the page's own reaction to its socket closing (4001), whichever
    // navigates first: both end on the login form.
    await laptop.page.waitForURL(/\/login(\?next=.*)?$/);
    // The phone's socket is closed with 4001, which sends its page to the login form.
    await phone.page.waitForURL(/\/login\?next=/);
    // And its cookie no longer opens the call page.
    await phone.page.goto(`${base}/webrtc/${user.username}`);
    expect(phone.page.url()).toMatch(/\/login\?next=/);
  });

  it('a form on another site cannot log the browser into the attacker’s account (login CSRF)', async () => {
    const base = suite.app.baseUrl;
    const mallory = await createUser(base, 'mallory');
    const context = await suite.newContext();
    await context.route(`${ATTACKER}/**`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><form method="post" action="${base}/login">
          <input name="username" value="${mallory.username}">
          <input name="password" value="${mallory.password}">
        </form><script>document.forms[0].submit()</script>`,
      }),
    );
    const page = await context.newPage();
    const answer = page.waitForResponse(`${base}/login`);
    await page.goto(`${ATTACKER}/innocent-page`);
    const response = await answer;
    expect(response.status()).toBe(403);
    // The login form again, saying why, with nothing of the attacker's filled in.
    await page.getByText(en.account.crossSite).waitFor();
    expect(await page.getByLabel('Username').inputValue()).toBe('');
    expect(await context.cookies(base)).toStrictEqual([]);
  });
});
