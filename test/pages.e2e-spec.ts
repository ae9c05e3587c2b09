import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { client, cookieAttributes, cookieValue, type Reply } from './support/http.js';
import { assertFieldError, assertLabelledField, assertNoFieldError } from './support/html.js';
import { createUser, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

const XSS = '<script>alert(1)</script>';

function assertHtml(reply: Reply, status: number): void {
  assert.equal(reply.status, status, reply.text);
  expect(reply.headers.get('content-type') ?? '').toMatch(/^text\/html/);
}

function assertRedirect(reply: Reply, status: number, location: string): void {
  assert.equal(reply.status, status, reply.text);
  expect(reply.headers.get('location')).toBe(location);
}

describe('server-rendered pages', () => {
  let app: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  const http = client(() => app.baseUrl);

  beforeAll(async () => {
    app = await startTestApp();
    alice = await createUser(app.baseUrl, 'alice');
    bob = await createUser(app.baseUrl, 'bob');
  });
  afterAll(async () => {
    await app.close();
  });

  it('GET /login shows labelled Username and Password fields and a "Log in" button', async () => {
    const reply = await http.get('/login');
    assertHtml(reply, 200);
    assertLabelledField(reply.text, 'Username');
    assertLabelledField(reply.text, 'Password');
    expect(reply.text).toMatch(/<button[^>]*>\s*Log in\s*<\/button>/);
    expect(reply.text).not.toMatch(/name="next"/);
  });

  it('locks the login form after 5 failures with 429, Retry-After and the reason inline', async () => {
    const victim = await createUser(app.baseUrl, 'locked');
    const attempt = () =>
      http.post('/login', { form: { username: victim.username, password: 'nope-nope' } });
    for (let i = 0; i < 5; i += 1) {
      expect((await attempt()).status).toBe(401);
    }
    const locked = await http.post('/login', {
      form: { username: victim.username, password: victim.password },
    });
    assertHtml(locked, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assertFieldError(
      locked.text,
      'password',
      /^Too many failed logins\. Try again in 1[45] minutes\.$/,
    );
    expect(locked.text).toMatch(/<input id="password"[^>]*\bautofocus\b/);
  });

  it('GET /register adds a labelled "Display name" and a "Create account" button', async () => {
    const reply = await http.get('/register');
    assertHtml(reply, 200);
    for (const label of ['Username', 'Display name', 'Password']) {
      assertLabelledField(reply.text, label);
    }
    expect(reply.text).toMatch(/<button[^>]*>\s*Create account\s*<\/button>/);
  });

  it('sends a Content-Security-Policy that allows only same-origin scripts', async () => {
    for (const path of ['/login', '/register', `/webrtc/${alice.username}`]) {
      const reply = await http.get(path, { cookie: alice.token });
      const csp = reply.headers.get('content-security-policy') ?? '';
      assert.match(csp, /(^|;)\s*script-src 'self'\s*(;|$)/, `${path}: ${csp}`);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
    }
  });

  describe('POST /login (form)', () => {
    it('re-renders with the error next to the password field and status 401', async () => {
      const reply = await http.post('/login', {
        form: { username: alice.username, password: 'wrong password' },
      });
      assertHtml(reply, 401);
      assertFieldError(reply.text, 'password', /wrong password/i);
      assert.match(reply.text, new RegExp(`value="${alice.username}"`), 'username is kept');
      expect(reply.authCookie).toBe(undefined);
    });

    it('logs in with a cookie and redirects (303) to the call page', async () => {
      const reply = await http.post('/login', {
        form: { username: alice.username.toUpperCase(), password: alice.password },
      });
      assertRedirect(reply, 303, `/webrtc/${alice.username}`);
      const attributes = cookieAttributes(reply.authCookie ?? '');
      expect(attributes.httponly).toBe('');
      expect(attributes.samesite).toBe('Strict');
      const page = await http.get(`/webrtc/${alice.username}`, {
        cookie: cookieValue(reply.authCookie),
      });
      assertHtml(page, 200);
    });

    it('follows ?next= to a local path, carried in a hidden field', async () => {
      const form = await http.get(`/login?next=${encodeURIComponent('/webrtc/x')}`);
      expect(form.text).toMatch(/<input type="hidden" name="next" value="\/webrtc\/x"/);
      const reply = await http.post('/login', {
        form: { username: bob.username, password: bob.password, next: '/webrtc/x' },
      });
      assertRedirect(reply, 303, '/webrtc/x');
    });

    it('never redirects off-site, whatever next says', async () => {
      for (const next of ['//evil.com', 'https://evil.com', '/\\evil.com', 'evil.com']) {
        const form = await http.get(`/login?next=${encodeURIComponent(next)}`);
        assert.doesNotMatch(form.text, /name="next"/, next);
        const reply = await http.post('/login', {
          form: { username: bob.username, password: bob.password, next },
        });
        assertRedirect(reply, 303, `/webrtc/${bob.username}`);
      }
    });

    it('treats a missing body or repeated fields as a failed login, not a server error', async () => {
      assertHtml(await http.post('/login'), 401);
      const repeated = await http.post('/login', {
        body: `username=${bob.username}&username=x&password=${encodeURIComponent(bob.password)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assertHtml(repeated, 401);
    });
  });

  describe('POST /register (form)', () => {
    it('shows every invalid field inline with status 400, keeping the typed values escaped', async () => {
      const reply = await http.post('/register', {
        form: { username: '<b>"x', password: 'short', displayName: XSS },
      });
      assertHtml(reply, 400);
      assertFieldError(reply.text, 'username', /^Use 3-32 characters: letters, digits/);
      assertFieldError(reply.text, 'password', /^Use 8-128 characters\.$/);
      assertNoFieldError(reply.text, 'displayName');
      // The first field to fix has the focus; the others are marked and described.
      expect(reply.text).toMatch(/<input id="username"[^>]*\bautofocus\b/);
      expect(reply.text).not.toMatch(/<input id="password"[^>]*\bautofocus\b/);
      expect(reply.text).toMatch(/value="&lt;b&gt;&quot;x"/);
      expect(reply.text).toMatch(/value="&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
      assert.ok(!reply.text.includes(XSS) && !reply.text.includes('<b>"x'), 'raw input echoed');
    });

    it('shows a taken username inline with 409', async () => {
      const reply = await http.post('/register', {
        form: { username: alice.username.toUpperCase(), password: 'long enough' },
      });
      assertHtml(reply, 409);
      assertFieldError(reply.text, 'username', /already taken/);
    });

    it('creates the account, logs it in and redirects to its page, which escapes the name', async () => {
      const reply = await http.post('/register', {
        form: { username: 'Mallory', password: 'long enough', displayName: XSS },
      });
      assertRedirect(reply, 303, '/webrtc/mallory');
      const page = await http.get('/webrtc/mallory', { cookie: cookieValue(reply.authCookie) });
      assertHtml(page, 200);
      assert.ok(page.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'name shown escaped');
      assert.ok(!page.text.includes(XSS), 'name shown raw');
    });

    it('honours a local next after registering', async () => {
      const reply = await http.post('/register', {
        form: { username: 'nextuser', password: 'long enough', next: '/webrtc/nextuser?x=1' },
      });
      assertRedirect(reply, 303, '/webrtc/nextuser?x=1');
      assert.ok(reply.authCookie);
    });
  });

  describe('in Simplified Chinese (Accept-Language: zh-CN)', () => {
    const zh = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' };

    it('the login and register pages, their labels and their errors', async () => {
      for (const path of ['/login', '/register']) {
        const reply = await http.get(path, { headers: zh });
        assertHtml(reply, 200);
        expect(reply.text).toMatch(/<html lang="zh-CN">/);
        assertLabelledField(reply.text, '用户名');
        assertLabelledField(reply.text, '密码');
        expect(reply.headers.get('vary') ?? '').toMatch(/Accept-Language/i);
      }
      const wrong = await http.post('/login', {
        form: { username: alice.username, password: 'wrong password' },
        headers: zh,
      });
      assertFieldError(wrong.text, 'password', /^用户名不存在或密码错误。$/);
      const invalid = await http.post('/register', {
        form: { username: 'a b', password: '' },
        headers: zh,
      });
      assertHtml(invalid, 400);
      assertFieldError(invalid.text, 'username', /^请使用 3–32 个字符/);
      assertFieldError(invalid.text, 'password', /^请填写密码。$/);
      const taken = await http.post('/register', {
        form: { username: alice.username, password: 'long enough' },
        headers: zh,
      });
      assertFieldError(taken.text, 'username', /已被占用/);
    });

    it('the page that is not yours', async () => {
      const reply = await http.get(`/webrtc/${bob.username}`, { cookie: alice.token, headers: zh });
      assertHtml(reply, 403);
      expect(reply.text).toMatch(/<html lang="zh-CN">/);
      expect(reply.text).toContain('这不是你的页面');
      expect(reply.text).toContain(`你当前登录的账号是 ${alice.username}。`);
    });
  });

  it('serves the icon and a web app manifest', async () => {
    const icon = await http.get('/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
    const manifest = await http.get('/manifest.webmanifest');
    expect(manifest.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const { icons, start_url: startUrl } = manifest.json<{
      icons: { src: string; sizes: string; type: string }[];
      start_url: string;
    }>();
    expect(startUrl).toBe('/');
    for (const { src, type } of icons) {
      const reply = await http.get(src);
      expect([src, reply.status, reply.headers.get('content-type')]).toStrictEqual([
        src,
        200,
        type,
      ]);
    }
    expect(icons.map(({ sizes }) => sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    const login = await http.get('/login');
    expect(login.text).toMatch(/<link rel="icon" href="\/favicon.ico"/);
    expect(login.text).toMatch(/<link rel="manifest" href="\/manifest.webmanifest"/);
  });

  describe('GET / and the call page', () => {
    it('GET / redirects to the own call page when logged in, else to /login', async () => {
      assertRedirect(
        await http.get('/', { cookie: alice.token }),
        302,
        `/webrtc/${alice.username}`,
      );
      assertRedirect(await http.get('/'), 302, '/login');
      assertRedirect(await http.get('/', { cookie: 'garbage' }), 302, '/login');
    });

    it('sends a logged-out visitor to log in, coming back afterwards', async () => {
      const reply = await http.get('/webrtc/bob');
      assertRedirect(reply, 302, '/login?next=%2Fwebrtc%2Fbob');
    });

    it("answers 403 on somebody else's page", async () => {
      const reply = await http.get(`/webrtc/${bob.username}`, { cookie: alice.token });
      assertHtml(reply, 403);
      assert.ok(reply.text.includes(alice.username));
    });

    it('greets the owner on their own page', async () => {
      const reply = await http.get(`/webrtc/${bob.username.toUpperCase()}`, { cookie: bob.token });
      assertHtml(reply, 200);
      assert.ok(reply.text.includes(bob.username), 'the page names its owner');
    });
  });

  it('POST /logout clears the cookie and returns to the login page', async () => {
    const reply = await http.post('/logout', { cookie: alice.token });
    assertRedirect(reply, 303, '/login');
    expect(cookieValue(reply.authCookie)).toBe('');
    assert.ok(Date.parse(cookieAttributes(reply.authCookie ?? '').expires) < Date.now());
  });
});
