// Issue 20, point 11: the account page shows a refusal at its field, as the login and register
// pages do: the field marked invalid and described by the message, focused; old messages go.
import { describe, expect, it } from '@jest/globals';
import { privacyEn } from '../src/i18n/privacy.en.js';
import { privacyZhCN } from '../src/i18n/privacy.zh-cn.js';
import { CallPageDriver } from './browser/call-page-driver.js';
import { browserSuite } from './browser/browser-suite.js';
import { createUser } from './support/test-app.js';

describe("the account page's errors (issue 20, point 11)", () => {
  const suite = browserSuite();

  it.each([
    ['en', privacyEn],
    ['zh-CN', privacyZhCN],
  ] as const)(
    'in %s: a wrong password and a short new one, each at its field; then saved',
    async (locale, t) => {
      const context = await suite.newContext({ locale });
      const account = await createUser(suite.app.baseUrl, 'frank', 'Frank');
      await CallPageDriver.logIn(context, suite.app.baseUrl, account);
      const page = await context.newPage();
      await page.goto(`${suite.app.baseUrl}/account`);
      const current = page.locator('#current-password');
      const fresh = page.locator('#new-password');
      const submit = page.locator('#password-form button[type="submit"]');
      const isFocused = (element: unknown) =>
        (globalThis as unknown as { document: { activeElement: unknown } }).document
          .activeElement === element;

      await current.fill('not the password at all');
      await fresh.fill('a brand new passphrase');
      await submit.click();
      const wrong = page.locator('#current-password-error');
      await wrong.waitFor();
      expect(await wrong.innerText()).toBe(t.wrongPassword);
      expect(await current.getAttribute('aria-invalid')).toBe('true');
      expect(await current.getAttribute('aria-describedby')).toContain('current-password-error');
      expect(await current.evaluate(isFocused)).toBe(true);
      expect(await page.locator('#password-status').innerText()).toBe('');

      await current.fill(account.password);
      await fresh.fill('short');
      await submit.click();
      await page.locator('#new-password-error').waitFor();
      expect(await fresh.getAttribute('aria-invalid')).toBe('true');
      expect(await fresh.getAttribute('aria-describedby')).toBe(
        'new-password-hint new-password-error',
      );
      expect(await fresh.evaluate(isFocused)).toBe(true);
      expect(await wrong.count()).toBe(0); // the old message went
      expect(await current.getAttribute('aria-invalid')).toBeNull();

      await fresh.fill('a brand new passphrase');
      await submit.click();
      await page.getByText(t.passwordChanged).waitFor();
      expect(await page.locator('#password-form .error').count()).toBe(0);
      expect(await fresh.getAttribute('aria-describedby')).toBe('new-password-hint');
    },
  );
});
