// Issue 13, "my account": display name, password change, deletion (and the username's cooling-off),
// download of one's data.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AccountDataDto } from '../src/account/dto/account.dto.js';
import type { LoginResponseDto } from '../src/auth/dto/login.dto.js';
import type { RecentCallDto } from '../src/calls/dto/call-history.dto.js';
import { CallHistoryService } from '../src/calls/call-history.service.js';
import { connectCall } from './support/call-fixtures.js';
import { contactList, makeContacts } from './support/contacts.js';
import { assertNothingLeaked, call, cookieValue, type Reply } from './support/http.js';
import { SignalingClient } from './support/signaling-client.js';
import { createUser, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

const LOGGED_OUT = { code: 4001, reason: 'Logged out' };
const COOLING_OFF_S = 2;

describe('my account', () => {
  let app: TestApp;
  const base = () => app.baseUrl;
  const login = async (username: string, password: string) =>
    call(base(), 'POST', '/auth/login', { json: { username, password } });
  const me = (token: string) => call(base(), 'GET', '/users/me', { token });
  const changePassword = (user: TestUser, json: unknown, token = user.token) =>
    call(base(), 'POST', '/users/me/password', { token, json });
  const deleteAccount = (token: string, password: string, cookie?: boolean) =>
    call(base(), 'DELETE', '/users/me', {
      ...(cookie ? { cookie: token } : { token }),
      json: { password },
    });

  beforeAll(async () => {
    app = await startTestApp({ USERNAME_COOLING_OFF: String(COOLING_OFF_S) });
  });
  afterAll(() => app.close());

  describe('display name', () => {
    it('renames; a cookie session gets a new cookie that carries the new name', async () => {
      const alice = await createUser(base(), 'alice');
      const reply = await call(base(), 'PATCH', '/users/me', {
        cookie: alice.token,
        json: { displayName: '  Alice Liddell  ' },
      });
      expect(reply.status).toBe(200);
      expect(reply.json()).toMatchObject({
        username: alice.username,
        displayName: 'Alice Liddell',
      });
      const renewed = cookieValue(reply.authCookie);
      const ws = await SignalingClient.open(base(), { token: renewed });
      assert.ok('client' in ws);
      expect((await ws.client.next('welcome')).user.displayName).toBe('Alice Liddell');
      ws.client.close();
      // A Bearer client keeps its token (no cookie to replace), which still works.
      const bearer = await call(base(), 'PATCH', '/users/me', {
        token: alice.token,
        json: { displayName: 'Alice' },
      });
      expect([bearer.status, bearer.authCookie]).toStrictEqual([200, undefined]);
      expect((await me(alice.token)).json().displayName).toBe('Alice');
    });

    it('refuses an empty, long or disguised name with 400, keeping the old one', async () => {
      const bob = await createUser(base(), 'bob', 'Bob');
      for (const displayName of ['', '   ', 'x'.repeat(65), 'Bob\u202Egnp.exe', 'B\nob', 42]) {
        const reply = await call(base(), 'PATCH', '/users/me', {
          token: bob.token,
          json: { displayName },
        });
        expect([JSON.stringify(displayName), reply.status]).toStrictEqual([
          JSON.stringify(displayName),
          400,
        ]);
      }
      expect((await me(bob.token)).json().displayName).toBe('Bob');
    });
  });

  describe('password', () => {
    it('needs the current password; other tokens are revoked and their sockets closed, this session goes on', async () => {
      const carol = await createUser(base(), 'carol');
      const phone = (await login(carol.username, carol.password)).json<LoginResponseDto>();
      const phoneWs = await SignalingClient.connect(base(), phone.accessToken);

      const wrong = await changePassword(carol, {
        currentPassword: 'not my password',
        newPassword: 'a brand new secret',
      });
      expect([wrong.status, wrong.json().message]).toStrictEqual([403, 'The password is wrong']);
      await phoneWs.expectSilence();

      const reply = await call(base(), 'POST', '/users/me/password', {
        cookie: carol.token,
        json: { currentPassword: carol.password, newPassword: 'a brand new secret' },
      });
      expect(reply.status).toBe(200);
      const session = reply.json<LoginResponseDto>();
      expect(cookieValue(reply.authCookie)).toBe(session.accessToken);
      expect(session.user.username).toBe(carol.username);
      assertNothingLeaked(reply);

      expect(await phoneWs.closed).toStrictEqual(LOGGED_OUT);
      expect((await me(phone.accessToken)).status).toBe(401);
      expect((await me(carol.token)).status).toBe(401);
      expect((await me(session.accessToken)).status).toBe(200);
      const upgrade = await SignalingClient.open(base(), { token: phone.accessToken });
      expect(upgrade).toStrictEqual({ status: 401 });
      expect((await login(carol.username, carol.password)).status).toBe(401);
      expect((await login(carol.username, 'a brand new secret')).status).toBe(200);
    });

    it('refuses a weak or unchanged new password (400) and keeps the old one', async () => {
      const dave = await createUser(base(), 'dave');
      const cases: [unknown, string][] = [
        [{ currentPassword: dave.password, newPassword: 'password1' }, 'password'],
        [{ currentPassword: dave.password, newPassword: `${dave.username}!!` }, 'password'],
        [{ currentPassword: dave.password, newPassword: dave.password }, 'newPassword'],
        [{ currentPassword: dave.password, newPassword: 'short' }, 'newPassword'],
        [{ currentPassword: dave.password }, 'newPassword'],
        [{ currentPassword: '', newPassword: 'long enough pass' }, 'currentPassword'],
      ];
      for (const [json, field] of cases) {
        const reply = await changePassword(dave, json);
        expect([JSON.stringify(json), reply.status]).toStrictEqual([JSON.stringify(json), 400]);
        expect(Object.keys(reply.json<{ errors: object }>().errors)).toStrictEqual([field]);
      }
      expect((await me(dave.token)).status).toBe(200);
      expect((await login(dave.username, dave.password)).status).toBe(200);
    });

    it('guesses of the current password count against the login lock-out', async () => {
      const erin = await createUser(base(), 'erin');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const reply = await changePassword(erin, {
          currentPassword: `guess number ${i}`,
          newPassword: 'a brand new secret',
        });
        statuses.push(reply.status);
      }
      expect(statuses).toStrictEqual([403, 403, 403, 403, 403, 429]);
      // Even the right password waits now: it is the same lock-out as logging in.
      expect((await login(erin.username, erin.password)).status).toBe(429);
    });
  });

  describe('deleting the account', () => {
    it('needs the password, then removes the account, its contacts and its call history, and ends its sessions', async () => {
      const frank = await createUser(base(), 'frank');
      const gina = await createUser(base(), 'gina');
      await makeContacts(base(), frank, gina);
      const frankWs = await SignalingClient.connect(base(), frank.token);
      const ginaWs = await SignalingClient.connect(base(), gina.token);
      await frankWs.next('contact_online'); // gina came online after frank
      await connectCall({ user: frank, ws: frankWs }, { user: gina, ws: ginaWs });
      frankWs.send({ type: 'hangup', toUser: gina.username });
      await ginaWs.next('hangup');
      await app.app.get(CallHistoryService).flush();
      expect((await call(base(), 'GET', '/calls', { token: gina.token })).json()).toHaveLength(1);

      const wrong = await deleteAccount(frank.token, 'not my password');
      expect(wrong.status).toBe(403);
      expect((await me(frank.token)).status).toBe(200);

      const deleted = await deleteAccount(frank.token, frank.password, true);
      expect(deleted.status).toBe(204);
      expect(cookieValue(deleted.authCookie)).toBe('');
      expect(await frankWs.closed).toStrictEqual(LOGGED_OUT);
      expect((await ginaWs.next('contact_removed')).contact.username).toBe(frank.username);

      // The old token opens nothing: API, pages, sockets.
      expect((await me(frank.token)).status).toBe(401);
      expect((await call(base(), 'GET', '/contacts', { token: frank.token })).status).toBe(401);
      expect(await SignalingClient.open(base(), { token: frank.token })).toStrictEqual({
        status: 401,
      });
      const page = await call(base(), 'GET', '/account', { cookie: frank.token });
      expect(page.headers.get('location')).toBe('/login?next=%2Faccount');
      expect((await login(frank.username, frank.password)).status).toBe(401);

      // gina's lists and history keep nothing of frank.
      expect(await contactList(base(), gina)).toStrictEqual({
        contacts: [],
        incoming: [],
        outgoing: [],
      });
      expect(
        (await call(base(), 'GET', '/calls', { token: gina.token })).json<RecentCallDto[]>(),
      ).toStrictEqual([]);
      const search = await call(base(), 'GET', `/users?search=${frank.username}`, {
        token: gina.token,
      });
      expect(search.json()).toStrictEqual([]);
      ginaWs.close();
    });

    it('keeps the username for USERNAME_COOLING_OFF, then frees it for a new account that inherits nothing', async () => {
      const henry = await createUser(base(), 'henry');
      const ivy = await createUser(base(), 'ivy');
      await makeContacts(base(), henry, ivy);
      expect((await deleteAccount(henry.token, henry.password)).status).toBe(204);

      const register = () =>
        call(base(), 'POST', '/auth/register', {
          json: { username: henry.username, password: 'impostor password 1' },
        });
      const early = await register();
      expect(early.status).toBe(409);
      expect(early.json().message).toBe(`The username "${henry.username}" is already taken`);

      await sleep(COOLING_OFF_S * 1000 + 200);
      expect((await register()).status).toBe(201);
      const impostor = (
        await login(henry.username, 'impostor password 1')
      ).json<LoginResponseDto>();
      expect(impostor.user.id).not.toBe(henry.id);
      const mine = await contactList(base(), {
        ...henry,
        token: impostor.accessToken,
      });
      expect(mine).toStrictEqual({ contacts: [], incoming: [], outgoing: [] });
      expect((await contactList(base(), ivy)).contacts).toStrictEqual([]);
      // The deleted account's old token stays dead, though its name is someone's again.
      expect((await me(henry.token)).status).toBe(401);
    });

    it("a deleted account's tokens stay refused after a restart", async () => {
      const jack = await createUser(base(), 'jack');
      expect((await deleteAccount(jack.token, jack.password)).status).toBe(204);
      app = await app.restart();
      expect((await me(jack.token)).status).toBe(401);
      expect(await SignalingClient.open(base(), { token: jack.token })).toStrictEqual({
        status: 401,
      });
    });

    it('refuses a deletion without the password, or sent as a form', async () => {
      const kate = await createUser(base(), 'kate');
      const cases: [string, Promise<Reply>, number][] = [
        ['no body', call(base(), 'DELETE', '/users/me', { token: kate.token }), 415],
        ['no password', call(base(), 'DELETE', '/users/me', { token: kate.token, json: {} }), 400],
        [
          'a form',
          call(base(), 'DELETE', '/users/me', { token: kate.token, form: { password: 'x' } }),
          415,
        ],
        [
          'another site',
          call(base(), 'DELETE', '/users/me', {
            cookie: kate.token,
            json: { password: kate.password },
            headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
          }),
          403,
        ],
      ];
      for (const [name, request, status] of cases) {
        expect([name, (await request).status]).toStrictEqual([name, status]);
      }
      expect((await me(kate.token)).status).toBe(200);
    });
  });

  it('downloads everything kept about me as a JSON file, and no password hash', async () => {
    const lena = await createUser(base(), 'lena', 'Lena');
    const mike = await createUser(base(), 'mike');
    const nora = await createUser(base(), 'nora');
    const otto = await createUser(base(), 'otto');
    await makeContacts(base(), lena, mike);
    await call(base(), 'POST', '/contacts', {
      token: lena.token,
      json: { username: nora.username },
    });
    await call(base(), 'POST', '/blocks', { token: lena.token, json: { username: otto.username } });
    await call(base(), 'PATCH', '/privacy', {
      token: lena.token,
      json: { whoCanRing: 'contacts' },
    });
    const reply = await call(base(), 'GET', '/users/me/data', { token: lena.token });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-disposition')).toBe(
      `attachment; filename=dialtone-${lena.username}.json`,
    );
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    assertNothingLeaked(reply);
    const data = reply.json<AccountDataDto>();
    expect(Object.keys(data).sort()).toStrictEqual([
      'blocked',
      'calls',
      'contactRequestsReceived',
      'contactRequestsSent',
      'contacts',
      'exportedAt',
      'privacy',
      'profile',
      'pushDevices',
    ]);
    expect(data.pushDevices).toStrictEqual([]);
    expect(data.profile).toMatchObject({
      id: lena.id,
      username: lena.username,
      displayName: 'Lena',
    });
    expect(data.contacts.map((c) => c.username)).toStrictEqual([mike.username]);
    expect(data.contactRequestsSent.map((c) => c.username)).toStrictEqual([nora.username]);
    expect(data.contactRequestsReceived).toStrictEqual([]);
    expect(data.blocked.map((c) => c.username)).toStrictEqual([otto.username]);
    expect(data.privacy).toStrictEqual({
      whoCanRing: 'contacts',
      doNotDisturb: false,
      doNotDisturbUntil: null,
    });
    expect(data.calls).toStrictEqual([]);
    expect((await call(base(), 'GET', '/users/me/data')).status).toBe(401);
  });
});
