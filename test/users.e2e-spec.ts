import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { LoginResponseDto } from '../src/auth/dto/login.dto.js';
import type { UserProfileDto } from '../src/users/dto/user-profile.dto.js';
import { User } from '../src/users/user.entity.js';
import { describeAccountFlow } from './support/account-flow.js';
import { assertNothingLeaked, client, type Reply } from './support/http.js';
import { decodeJwt, signHs256, unsignedJwt } from './support/jwt.js';
import { createUser, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

const JWT_SECRET = 'users-e2e-secret-that-is-long-enough-for-hs256';

describeAccountFlow('core account flow on SQLite', () => startTestApp());

describe('users API', () => {
  let app: TestApp;
  let alice: TestUser;
  let profile: UserProfileDto;
  const http = client(() => app.baseUrl);
  const me = (auth: { token?: string; cookie?: string }) => http.get('/users/me', auth);
  /** A token as the server would sign it, with any claim overridden. */
  const claims = (overrides: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return {
      sub: alice.id,
      username: alice.username,
      name: alice.username,
      iat: now,
      exp: now + 600,
      iss: 'dialtone',
      aud: 'dialtone',
      jti: randomUUID(),
      ...overrides,
    };
  };

  beforeAll(async () => {
    app = await startTestApp({ JWT_SECRET });
    alice = await createUser(app.baseUrl, 'alice');
    profile = (await me({ token: alice.token })).json<UserProfileDto>();
  });
  afterAll(async () => {
    await app.close();
  });

  describe('GET /users/me', () => {
    it('answers with the profile for the Bearer header and for the cookie alike', async () => {
      expect(Object.keys(profile).sort()).toStrictEqual([
        'createdAt',
        'displayName',
        'id',
        'username',
      ]);
      expect(profile.id).toBe(alice.id);
      expect(profile.username).toBe(alice.username);
      const viaCookie = await me({ cookie: alice.token });
      assert.equal(viaCookie.status, 200, viaCookie.text);
      expect(viaCookie.json()).toStrictEqual(profile);
    });

    it('accepts a token signed with the server secret (control for the forgeries below)', async () => {
      const reply = await me({ token: signHs256(claims(), JWT_SECRET) });
      assert.equal(reply.status, 200, reply.text);
      expect(reply.json()).toStrictEqual(profile);
    });

    it('answers 401 without a token or with a garbage, tampered or forged one', async () => {
      const [header, , signature] = alice.token.split('.');
      const tampered = `${header}.${Buffer.from(JSON.stringify(claims({ sub: 'x' }))).toString('base64url')}.${signature}`;
      const cases: Record<string, { token?: string; cookie?: string }> = {
        none: {},
        garbage: { token: 'garbage' },
        'garbage cookie': { cookie: 'not.a.jwt' },
        'cookie with a broken %-escape': { cookie: '%E0%A4%A' },
        tampered: { token: tampered },
        'other secret': { token: signHs256(claims(), `${JWT_SECRET}-but-another-one`) },
        'alg none': { token: unsignedJwt(claims()) },
        'alg none cookie': { cookie: unsignedJwt(claims()) },
        'no token id (it could not be revoked)': {
          token: signHs256(claims({ jti: undefined }), JWT_SECRET),
        },
        expired: { token: signHs256(claims({ exp: claims().iat - 10 }), JWT_SECRET) },
        'other audience': { token: signHs256(claims({ aud: 'elsewhere' }), JWT_SECRET) },
        'other issuer': { token: signHs256(claims({ iss: 'elsewhere' }), JWT_SECRET) },
      };
      for (const [name, auth] of Object.entries(cases)) {
        const reply = await me(auth);
        assert.equal(reply.status, 401, `${name}: ${reply.text}`);
        expect(reply.json().statusCode).toBe(401);
      }
    });
  });

  describe('GET /users (the directory)', () => {
    it('finds accounts by username prefix without private fields or presence, and needs a login', async () => {
      const reply = await http.get(`/users?search=${alice.username}`, { token: alice.token });
      assert.equal(reply.status, 200, reply.text);
      expect(reply.json()).toStrictEqual([
        { username: alice.username, displayName: alice.username, contact: false },
      ]);
      expect((await http.get(`/users?search=${alice.username}`)).status).toBe(401);
    });

    it('never lists everyone: no search, an empty one or under 3 characters is a 400', async () => {
      for (const query of [
        '',
        'search=',
        'search=a',
        'search=al',
        'search=%20%20%20',
        'limit=20',
      ]) {
        const reply = await http.get(`/users?${query}`, { token: alice.token });
        assert.equal(reply.status, 400, `${query}: ${reply.text}`);
        assert.ok('search' in reply.json<{ errors: object }>().errors, reply.text);
      }
    });

    it('returns 10 entries by default, up to 20 on request, in username order', async () => {
      // Seeded straight into the table: 25 registrations through argon2 would only add time.
      const names = Array.from({ length: 25 }, (_, i) => `crowd${String(i).padStart(2, '0')}`);
      await app.app
        .get(DataSource)
        .getRepository(User)
        .insert(
          names.map((username) => ({
            id: randomUUID(),
            username,
            displayName: username.toUpperCase(),
            passwordHash: 'not-a-hash',
            createdAt: new Date(),
          })),
        );
      const usernames = async (query: string) =>
        (await http.get(`/users?${query}`, { token: alice.token }))
          .json<{ username: string }[]>()
          .map((entry) => entry.username);
      expect(await usernames('search=crowd')).toStrictEqual(names.slice(0, 10));
      expect(await usernames('search=CROWD&limit=20')).toStrictEqual(names.slice(0, 20));
      expect(await usernames('search=crowd1&limit=20')).toStrictEqual(names.slice(10, 20));
      expect(await usernames('search=crowd&limit=1')).toStrictEqual(['crowd00']);
      // Usernames only, and only from their start: display names and infixes find nobody.
      expect(await usernames('search=rowd0')).toStrictEqual([]);
      expect((await http.get('/users?search=CROWD00%20X', { token: alice.token })).status).toBe(
        400,
      );
    });

    it('answers 400 for a limit outside 1-20 or not a whole number', async () => {
      for (const limit of ['0', '21', '50', 'x', '1.5', '-1']) {
        const reply = await http.get(`/users?search=crowd&limit=${limit}`, { token: alice.token });
        assert.equal(reply.status, 400, `limit=${limit}`);
        assert.ok('limit' in reply.json<{ errors: object }>().errors, reply.text);
      }
    });
  });

  it('never sends a password hash in any response', async () => {
    const password = 'hash hunting 1';
    const form = { username: 'hashhunter', password };
    const replies: Reply[] = [
      await http.post('/auth/register', { json: { ...form, displayName: 'Hash Hunter' } }),
    ];
    const login = await http.post('/auth/login', { json: form });
    const { accessToken: token } = login.json<LoginResponseDto>();
    replies.push(
      login,
      await me({ token }),
      await http.get('/users?search=hash', { token }),
      await http.get('/users?search=hashhunter&limit=20', { token }),
      await http.post('/login', { form }),
      await http.post('/login', { form: { ...form, password: 'wrong password' } }),
      await http.post('/register', { form }),
      await http.get('/webrtc/hashhunter', { cookie: token }),
      await http.get('/webrtc/someone-else', { cookie: token }),
    );
    expect(replies.map((reply) => reply.status)).toStrictEqual([
      201, 200, 200, 200, 200, 303, 401, 409, 200, 403,
    ]);
    replies.forEach(assertNothingLeaked);
  });
});

describe('token expiry (JWT_TTL=2)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ JWT_TTL: '2' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('accepts a token until its exp, then answers 401', async () => {
    const { token } = await createUser(app.baseUrl, 'shortlived');
    const { payload } = decodeJwt(token);
    expect(Number(payload.exp) - Number(payload.iat)).toBe(2);
    const http = client(() => app.baseUrl);
    expect((await http.get('/users/me', { token })).status).toBe(200);
    await sleep(Number(payload.exp) * 1000 - Date.now() + 200);
    expect((await http.get('/users/me', { token })).status).toBe(401);
    expect((await http.get('/users/me', { cookie: token })).status).toBe(401);
  });
});
