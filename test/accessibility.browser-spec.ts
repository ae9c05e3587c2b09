// An axe-core audit (every rule axe runs by default, WCAG 2.x A/AA and best practices, colour
// contrast included) of the pages people use, in the light and the dark colour scheme.
import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { en } from '../src/i18n/en.js';
import { assertNoViolations } from './browser/axe-audit.js';
import { CallPageDriver } from './browser/call-page-driver.js';
import { browserSuite } from './browser/browser-suite.js';
import { type InitScript, withoutCamera } from './browser/fake-devices.js';
import { makeContacts } from './support/contacts.js';
import { call } from './support/http.js';
import { createUser, type TestUser } from './support/test-app.js';

const SCHEMES = ['light', 'dark'] as const;

/** WCAG's contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(one: string, other: string): number {
  const luminance = (color: string): number => {
    const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((channel) => {
      const value = Number(channel) / 255;
      return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [light, dark] = [luminance(one), luminance(other)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}

interface StyledElement {
  ownerDocument: { documentElement: unknown };
}
interface StyleWindow {
  getComputedStyle(element: unknown): { borderTopColor: string; backgroundColor: string };
}

describe('accessibility (axe-core), light and dark', () => {
  const suite = browserSuite();

  for (const colorScheme of SCHEMES) {
    it(`login and register, with and without errors (${colorScheme})`, async () => {
      const context = await suite.newContext({ colorScheme });
      const page = await context.newPage();
      await page.goto(`${suite.app.baseUrl}/login`);
      await assertNoViolations(page, `login, ${colorScheme}`);
      await page.getByLabel('Username').fill('nobody-here');
      await page.getByLabel('Password').fill('wrong password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByText(en.account.badCredentials).waitFor();
      await assertNoViolations(page, `login with an error, ${colorScheme}`);

      await page.goto(`${suite.app.baseUrl}/register`);
      await assertNoViolations(page, `register, ${colorScheme}`);
      await page.getByLabel('Username').fill('a b');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByText(en.account.passwordRequired).waitFor();
      await assertNoViolations(page, `register with errors, ${colorScheme}`);
    });

    it(`the call page idle, ringing and in a call (${colorScheme})`, async () => {
      const person = async (prefix: string, devices?: InitScript) => {
        const context = await suite.newContext({ colorScheme });
        if (devices) {
          await context.addInitScript(devices);
        }
        const { username, password } = await createUser(suite.app.baseUrl, prefix);
        return CallPageDriver.logIn(context, suite.app.baseUrl, { username, password });
      };
      const alice = await person('alice');
      // No camera: bob's page shows its camera notice during the call.
      const bob = await person('bob', withoutCamera);

      // A missed call first, so that Recent calls has its red "Missed".
      await alice.dial(bob.account.username);
      await bob.incomingPanel.waitFor();
      await alice.hangUp();
      await bob.page.getByRole('button', { name: / Missed · / }).waitFor();
      await bob.page.getByRole('button', { name: en.ui.checkCamera }).waitFor();
      await assertNoViolations(bob.page, `call page idle, ${colorScheme}`);
      // The idle video area stands out from the page: its edge has a 3:1 contrast (WCAG 1.4.11).
      const [edge, page] = await bob.page.locator('.stage').evaluate((stage: StyledElement) => {
        const styles = globalThis as unknown as StyleWindow;
        return [
          styles.getComputedStyle(stage).borderTopColor,
          styles.getComputedStyle(stage.ownerDocument.documentElement).backgroundColor,
        ];
      });
      assert.ok(contrast(edge, page) >= 3, `video area edge ${edge} on ${page}, ${colorScheme}`);

      await bob.page.getByLabel("Friend's account").fill(alice.account.username.slice(0, 4));
      await bob.page.getByRole('option').first().waitFor();
      await assertNoViolations(bob.page, `call page with suggestions, ${colorScheme}`);
      await bob.page.keyboard.press('Escape');

      await alice.page.getByRole('button', { name: / Cancelled · / }).waitFor();
      await bob.page.getByRole('button', { name: / Missed · / }).click(); // calls alice back
      await alice.incomingPanel.waitFor();
      await assertNoViolations(alice.page, `call page ringing (callee), ${colorScheme}`);
      await assertNoViolations(bob.page, `call page ringing (caller), ${colorScheme}`);

      await alice.accept();
      await Promise.all([alice.waitForCallState('connected'), bob.waitForCallState('connected')]);
      await bob.page.getByText(en.ui.audioOnly).waitFor();
      await alice.page.getByRole('button', { name: en.ui.muteMicrophone }).click();
      await bob.page.getByText(/turned their microphone off/).waitFor();
      await assertNoViolations(alice.page, `call page in a call, muted, ${colorScheme}`);
      await assertNoViolations(bob.page, `call page in a call, audio only, ${colorScheme}`);
      // The Verify control open: the code with its names and buttons (issue 23).
      await alice.page.getByRole('button', { name: en.verify.verifyButton, exact: true }).click();
      await alice.page.getByRole('list', { name: en.verify.verifyCode }).waitFor();
      await assertNoViolations(alice.page, `call page verifying, ${colorScheme}`);
      await alice.hangUp();
      await bob.waitForCallState('idle');
    });

    it(`contacts, requests, privacy settings and the account page (${colorScheme})`, async () => {
      const base = suite.app.baseUrl;
      const [carol, dave, erin, frank, gus] = await Promise.all(
        ['carol', 'dave', 'erin', 'frank', 'gus'].map((prefix) => createUser(base, prefix)),
      );
      const api = (user: TestUser, method: string, path: string, json: unknown) =>
        call(base, method, path, { token: user.token, json });
      await makeContacts(base, carol, dave); // a contact
      await api(erin, 'POST', '/contacts', { username: carol.username }); // a request to answer
      await api(carol, 'POST', '/contacts', { username: frank.username }); // one waiting
      await api(carol, 'POST', '/blocks', { username: gus.username }); // blocked
      await api(carol, 'PATCH', '/privacy', { doNotDisturb: true });
      const context = await suite.newContext({ colorScheme });
      const page = await CallPageDriver.logIn(context, base, carol);
      await page.page.getByRole('button', { name: `Unblock ${gus.username}` }).waitFor();
      await page.page
        .getByRole('button', { name: `Cancel the request to ${frank.username}` })
        .waitFor();
      await page.page.getByRole('button', { name: `Accept ${erin.username}` }).waitFor();
      await assertNoViolations(page.page, `call page with contacts and privacy, ${colorScheme}`);
      await page.page.goto(`${base}/account`);
      await assertNoViolations(page.page, `account page, ${colorScheme}`);
    });
  }
});
