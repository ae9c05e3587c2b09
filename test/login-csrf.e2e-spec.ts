import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { en } from '../src/i18n/en.js';
import { zhCN } from '../src/i18n/zh-cn.js';
import { call, type Reply, type RequestOptions } from './support/http.js';
import { createUser, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

const EVIL = 'https://evil.example';
/** What a browser adds to a form that a page of another site submits. */
const crossSite = { origin: EVIL, 'sec-fetch-site': 'cross-site' };

function expectRefusedCrossSite(reply: Reply): void {
  expect(reply.status).toBe(403);
  expect(reply.json().message).toMatch(/^Cross-site request refused/);
  expect(reply.authCookie).toBe(undefined);
}

/** The login and register forms answer with the form again, the reason in the page's language. */
function expectFormRefusedCrossSite(reply: Reply, sentence = en.account.crossSite): void {
  expect(reply.status).toBe(403);
  expect(reply.headers.get('content-type') ?? '').toMatch(/^text\/html/);
  expect(reply.text).toContain(sentence);
  expect(reply.authCookie).toBe(undefined);
}

describe('login CSRF: account routes refuse other sites’ pages', () => {
  let app: TestApp;
  let mallory: TestUser;
  const post = (path: string, options: RequestOptions) => call(app.baseUrl, 'POST', path, options);

  beforeAll(async () => {
    app = await startTestApp();
    mallory = await createUser(app.baseUrl, 'mallory');
  });
  afterAll(() => app.close());

  it('refuses a cross-site form POST to /login, /register and /logout with 403', async () => {
    const credentials = { username: mallory.username, password: mallory.password };
    expectFormRefusedCrossSite(await post('/login', { form: credentials, headers: crossSite }));
    expectFormRefusedCrossSite(
      await post('/register', {
        form: { username: 'planted1', password: 'correct horse battery' },
        headers: { ...crossSite, 'accept-language': 'zh-CN' },
      }),
      zhCN.account.crossSite,
    );
    expectRefusedCrossSite(await post('/logout', { cookie: mallory.token, headers: crossSite }));
    expectRefusedCrossSite(
      await post('/logout-all', { cookie: mallory.token, headers: crossSite }),
    );
    // Nothing happened: no account was planted, and the cookie's token still works.
    const planted = await post('/auth/login', {
      json: { username: 'planted1', password: 'correct horse battery' },
    });
    expect(planted.status).toBe(401);
    expect((await call(app.baseUrl, 'GET', '/users/me', { token: mallory.token })).status).toBe(
      200,
    );
  });

  it('refuses /auth/* from another site’s page, whatever it sends', async () => {
    const json = { username: mallory.username, password: mallory.password };
    expectRefusedCrossSite(await post('/auth/login', { json, headers: crossSite }));
    expectRefusedCrossSite(await post('/auth/register', { json, headers: crossSite }));
    expectRefusedCrossSite(
      await post('/auth/logout', { token: mallory.token, headers: crossSite }),
    );
    // A sibling subdomain is another site too, and so is an opaque (sandboxed) origin.
    const sibling = { origin: 'https://evil.127.0.0.1.nip.example', 'sec-fetch-site': 'same-site' };
    expectRefusedCrossSite(await post('/auth/login', { json, headers: sibling }));
    expectRefusedCrossSite(await post('/auth/login', { json, headers: { origin: 'null' } }));
    // An older browser that sends Origin but no Sec-Fetch-Site.
    expectFormRefusedCrossSite(await post('/login', { form: json, headers: { origin: EVIL } }));
  });

  it('/auth/login and /auth/register take JSON only (415), as no page can send it cross-site', async () => {
    const fields = { username: mallory.username, password: mallory.password };
    for (const path of ['/auth/login', '/auth/register']) {
      const form = await post(path, { form: fields });
      expect(form.status).toBe(415);
      expect(form.json().message).toMatch(/JSON/);
      const text = await post(path, {
        body: JSON.stringify(fields),
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.status).toBe(415);
      expect((await post(path, {})).status).toBe(415);
    }
  });

  it('keeps same-origin forms working, with or without Sec-Fetch-Site', async () => {
    const variants: Record<string, string>[] = [
      { origin: app.baseUrl, 'sec-fetch-site': 'same-origin' },
      { origin: app.baseUrl },
      { 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of variants) {
      const reply = await post('/login', {
        form: { username: mallory.username, password: mallory.password },
        headers,
      });
      expect(reply.status).toBe(303);
      expect(reply.authCookie).toBeDefined();
    }
  });

  it('keeps API clients that send no Origin working', async () => {
    const reply = await post('/auth/login', {
      json: { username: mallory.username, password: mallory.password },
    });
    expect(reply.status).toBe(200);
  });
});

describe('login CSRF behind a proxy: whole origins, scheme included', () => {
  let app: TestApp;
  let user: TestUser;
  const login = (headers: Record<string, string>) =>
    call(app.baseUrl, 'POST', '/auth/login', {
      json: { username: user.username, password: user.password },
      headers,
    });

  afterAll(() => app.close());

  it('trusts PUBLIC_URL’s origin and refuses the same host over plain http', async () => {
    app = await startTestApp({ PUBLIC_URL: 'https://call.example.org' });
    user = await createUser(app.baseUrl, 'proxied');
    expect((await login({ origin: 'https://call.example.org' })).status).toBe(200);
    expectRefusedCrossSite(await login({ origin: 'http://call.example.org' }));
    expectRefusedCrossSite(await login({ origin: 'https://call.example.org:8443' }));
    // The address the request reached is not own either: behind a TLS proxy it is plain http.
    expectRefusedCrossSite(await login({ origin: app.baseUrl }));
    await app.close();
  });

  it('with TRUST_PROXY, the forwarded scheme and host make the server’s own origin', async () => {
    app = await startTestApp({ TRUST_PROXY: 'loopback' });
    user = await createUser(app.baseUrl, 'proxied');
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'lan.example:8443' };
    expect((await login({ ...forwarded, origin: 'https://lan.example:8443' })).status).toBe(200);
    expectRefusedCrossSite(await login({ ...forwarded, origin: 'http://lan.example:8443' }));
  });
});
