import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { en } from '../src/i18n/en.js';
import { zhCN } from '../src/i18n/zh-cn.js';
import { assertFieldErrors, client } from './support/http.js';
import { assertFieldError } from './support/html.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** HTML-escaped as hbs writes it. */
function escaped(text: string): RegExp {
  const html = text.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;');
  return new RegExp(html.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

describe('weak passwords are refused, saying why', () => {
  let app: TestApp;
  const http = client(() => app.baseUrl);
  const register = (json: Record<string, string>, headers?: Record<string, string>) =>
    http.post('/auth/register', { json, headers });

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('refuses common passwords with 400 on the API, creating no account', async () => {
    for (const password of ['password', '12345678', 'password1', 'qwertyuiop', 'iloveyou']) {
      const reply = await register({ username: 'weakling', password });
      assertFieldErrors(reply, ['password']);
      expect(reply.json()).toMatchObject({
        code: 'passwordCommon',
        errors: { password: [en.account.passwordCommon] },
      });
    }
    const login = await http.post('/auth/login', {
      json: { username: 'weakling', password: 'password' },
    });
    expect(login.status).toBe(401);
  });

  it('refuses a password that contains the username or display name', async () => {
    const same = await register({ username: 'jonathan', password: 'jonathan' });
    expect(same.json()).toMatchObject({ code: 'passwordContainsName' });
    const inside = await register({ username: 'jonathan', password: 'xJONATHANx 2024!' });
    expect(inside.json().errors).toStrictEqual({ password: [en.account.passwordContainsName] });
    const display = await register({
      username: 'jdoe',
      password: 'Stardust forever 9',
      displayName: 'Stardust',
    });
    expect(display.json()).toMatchObject({ code: 'passwordContainsName' });
  });

  it('refuses patterns (repeats, sequences) as guessable', async () => {
    for (const password of ['aaaaaaaaaa', 'abcdefghij']) {
      const reply = await register({ username: 'patterned', password });
      expect(reply.json()).toMatchObject({
        code: 'passwordGuessable',
        errors: { password: [en.account.passwordGuessable] },
      });
    }
  });

  it('says why in the request’s language', async () => {
    const reply = await register(
      { username: 'lihua', password: '12345678' },
      { 'accept-language': 'zh-CN,zh;q=0.9' },
    );
    expect(reply.json().errors).toStrictEqual({ password: [zhCN.account.passwordCommon] });
  });

  it('accepts a strong password', async () => {
    const reply = await register({ username: 'strong', password: 'violet kettle orbit' });
    assert.equal(reply.status, 201, reply.text);
  });

  it('shows the reason next to the password field of the register form, translated', async () => {
    const english = await http.post('/register', {
      form: { username: 'formweak', password: 'password1' },
    });
    expect(english.status).toBe(400);
    assertFieldError(english.text, 'password', escaped(en.account.passwordCommon));
    const chinese = await http.post('/register', {
      form: { username: 'formweak', password: 'formweak123' },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(chinese.status).toBe(400);
    assertFieldError(chinese.text, 'password', escaped(zhCN.account.passwordContainsName));
  });

  it('shows a display name with control characters as a field error of the form', async () => {
    const reply = await http.post('/register', {
      form: { username: 'formctl', password: 'violet kettle orbit', displayName: 'A\u202Eb' },
    });
    expect(reply.status).toBe(400);
    assertFieldError(reply.text, 'displayName', escaped(en.account.displayNameRule));
  });
});
