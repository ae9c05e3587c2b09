import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LoginResponseDto } from '../src/auth/dto/login.dto.js';
import { call, cookieValue } from './support/http.js';
import { SignalingClient } from './support/signaling-client.js';
import { createUser, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

const CLOSE_LOGGED_OUT = 4001;

describe('logout revokes tokens on the server', () => {
  let app: TestApp;
  const base = () => app.baseUrl;

  /** A fresh login of `user`: a new token, as another device would have. */
  async function newToken(user: TestUser): Promise<string> {
    const reply = await call(base(), 'POST', '/auth/login', {
      json: { username: user.username, password: user.password },
    });
    assert.equal(reply.status, 200, reply.text);
    return reply.json<LoginResponseDto>().accessToken;
  }

  /** What each way in says of a token: the API, the call page, a new WebSocket upgrade. */
  async function access(user: TestUser, token: string) {
    const api = await call(base(), 'GET', '/users/me', { token });
    const page = await call(base(), 'GET', `/webrtc/${user.username}`, { cookie: token });
    const upgrade = await SignalingClient.open(base(), { token });
    if ('client' in upgrade) {
      upgrade.client.close();
    }
    return {
      api: api.status,
      page: page.status === 302 ? `302 ${page.headers.get('location')}` : page.status,
      upgrade: 'status' in upgrade ? upgrade.status : 101,
    };
  }
  const allowed = { api: 200, page: 200, upgrade: 101 };
  const refused = (user: TestUser) => ({
    api: 401,
    page: `302 /login?next=${encodeURIComponent(`/webrtc/${user.username}`)}`,
    upgrade: 401,
  });

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('POST /auth/logout revokes that token everywhere and closes its sockets (4001)', async () => {
    const alice = await createUser(base(), 'alice');
    const phone = await newToken(alice);
    expect(await access(alice, alice.token)).toStrictEqual(allowed);
    const laptopSocket = await SignalingClient.connect(base(), alice.token);
    const phoneSocket = await SignalingClient.connect(base(), phone);

    const reply = await call(base(), 'POST', '/auth/logout', { token: alice.token });
    expect(reply.status).toBe(204);
    expect(cookieValue(reply.authCookie)).toBe('');

    expect(await laptopSocket.closed).toStrictEqual({
      code: CLOSE_LOGGED_OUT,
      reason: 'Logged out',
    });
    expect(await access(alice, alice.token)).toStrictEqual(refused(alice));
    // The phone logged in on its own: its token and socket are untouched.
    await phoneSocket.expectSilence();
    expect(phoneSocket.socket.readyState).toBe(phoneSocket.socket.OPEN);
    expect(await access(alice, phone)).toStrictEqual(allowed);
    phoneSocket.close();
  });

  it('the logout form revokes the cookie’s token too', async () => {
    const bob = await createUser(base(), 'bob');
    const reply = await call(base(), 'POST', '/logout', { cookie: bob.token });
    expect(reply.status).toBe(303);
    expect(reply.headers.get('location')).toBe('/login');
    expect(await access(bob, bob.token)).toStrictEqual(refused(bob));
  });

  it('logging out again, or without a token, is harmless', async () => {
    const carol = await createUser(base(), 'carol');
    for (let n = 0; n < 2; n += 1) {
      expect((await call(base(), 'POST', '/auth/logout', { token: carol.token })).status).toBe(204);
    }
    expect((await call(base(), 'POST', '/auth/logout')).status).toBe(204);
    expect((await call(base(), 'POST', '/logout')).status).toBe(303);
  });

  it('POST /auth/logout-all revokes every token of the account and closes all its sockets', async () => {
    const dave = await createUser(base(), 'dave');
    const eve = await createUser(base(), 'eve');
    const tablet = await newToken(dave);
    const sockets = await Promise.all([
      SignalingClient.connect(base(), dave.token),
      SignalingClient.connect(base(), tablet),
    ]);
    const bystander = await SignalingClient.connect(base(), eve.token);

    expect((await call(base(), 'POST', '/auth/logout-all', { token: tablet })).status).toBe(204);

    for (const socket of sockets) {
      expect(await socket.closed).toStrictEqual({ code: CLOSE_LOGGED_OUT, reason: 'Logged out' });
    }
    expect(await access(dave, dave.token)).toStrictEqual(refused(dave));
    expect(await access(dave, tablet)).toStrictEqual(refused(dave));
    // Another account is not affected, and logging in again works at once.
    await bystander.expectSilence();
    expect(await access(eve, eve.token)).toStrictEqual(allowed);
    expect(await access(dave, await newToken(dave))).toStrictEqual(allowed);
    bystander.close();
  });

  it('the call page’s "Log out everywhere" form does the same and sends the browser to log in', async () => {
    const frank = await createUser(base(), 'frank');
    const page = await call(base(), 'GET', `/webrtc/${frank.username}`, { cookie: frank.token });
    expect(page.text).toMatch(/<form method='post' action='\/logout-all'[ >]/);
    expect(page.text).toMatch(/data-i18n='logOutEverywhere'\s*>Log out everywhere</);
    const chinese = await call(base(), 'GET', `/webrtc/${frank.username}?lang=zh-CN`, {
      cookie: frank.token,
    });
    expect(chinese.text).toMatch(/>在所有设备上退出登录</);

    const other = await newToken(frank);
    const reply = await call(base(), 'POST', '/logout-all', {
      cookie: frank.token,
      headers: { origin: base(), 'sec-fetch-site': 'same-origin' },
    });
    expect(reply.status).toBe(303);
    expect(reply.headers.get('location')).toBe('/login');
    expect(cookieValue(reply.authCookie)).toBe('');
    expect(await access(frank, other)).toStrictEqual(refused(frank));
  });

  it('POST /auth/logout-all needs a valid token', async () => {
    expect((await call(base(), 'POST', '/auth/logout-all')).status).toBe(401);
    expect((await call(base(), 'POST', '/auth/logout-all', { token: 'garbage' })).status).toBe(401);
  });

  it('revocations survive a restart', async () => {
    const gina = await createUser(base(), 'gina');
    const kept = await newToken(gina);
    const henry = await createUser(base(), 'henry');
    const henryKept = await newToken(henry);
    await call(base(), 'POST', '/auth/logout', { token: gina.token });
    await call(base(), 'POST', '/auth/logout-all', { token: henryKept });
    const henryAfter = await newToken(henry);

    app = await app.restart();

    expect(await access(gina, gina.token)).toStrictEqual(refused(gina));
    expect(await access(gina, kept)).toStrictEqual(allowed);
    expect(await access(henry, henry.token)).toStrictEqual(refused(henry));
    expect(await access(henry, henryAfter)).toStrictEqual(allowed);
  });
});
