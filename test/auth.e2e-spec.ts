import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LoginResponseDto } from '../src/auth/dto/login.dto.js';
import { DataSource } from 'typeorm';
import type { UserProfileDto } from '../src/users/dto/user-profile.dto.js';
import { User } from '../src/users/user.entity.js';
import {
  assertFieldErrors,
  assertNothingLeaked,
  client,
  cookieAttributes,
  cookieValue,
} from './support/http.js';
import { decodeJwt } from './support/jwt.js';
import { createUser, startTestApp, type TestApp, type TestUser } from './support/test-app.js';
import { INVALID_USERNAMES } from './support/invalid-usernames.js';

const JSON_TYPE = { 'content-type': 'application/json' };

describe('auth API', () => {
  let app: TestApp;
  let alice: TestUser;
  const http = client(() => app.baseUrl);
  const login = (username: string, password: string, headers?: Record<string, string>) =>
    http.post('/auth/login', { json: { username, password }, headers });

  /** Every account as stored (the directory no longer lists everyone). */
  const storedAccounts = () =>
    app.app
      .get(DataSource)
      .getRepository(User)
      .find({ order: { username: 'ASC' } });

  beforeAll(async () => {
    app = await startTestApp();
    alice = await createUser(app.baseUrl, 'alice');
  });
  afterAll(async () => {
    await app.close();
  });

  describe('POST /auth/register', () => {
    it('accepts the longest names and shortest password, storing the name in lower case', async () => {
      const username = `Max_${'x'.repeat(28)}`;
      const displayName = 'D'.repeat(64);
      const reply = await http.post('/auth/register', {
        json: { username, password: '8 chars!', displayName },
      });
      assert.equal(reply.status, 201, reply.text);
      const { id, createdAt, ...names } = reply.json<UserProfileDto>();
      expect(names).toStrictEqual({ username: username.toLowerCase(), displayName });
      assert.ok(id && createdAt);
    });

    it('accepts the shortest name and longest password; displayName defaults to the username', async () => {
      const reply = await http.post('/auth/register', {
        json: { username: 'b.2', password: randomBytes(96).toString('base64') },
      });
      assert.equal(reply.status, 201, reply.text);
      expect(reply.json().displayName).toBe('b.2');
    });

    it('rejects malformed and look-alike usernames with 400', async () => {
      const before = await storedAccounts();
      for (const username of INVALID_USERNAMES) {
        const reply = await http.post('/auth/register', {
          json: { username, password: 'long enough' },
        });
        assertFieldErrors(reply, ['username']);
      }
      expect(await storedAccounts()).toStrictEqual(before);
    });

    it('lists every failing field in one 400', async () => {
      const reply = await http.post('/auth/register', {
        json: { username: 'x', password: 'short', displayName: 'd'.repeat(65) },
      });
      assertFieldErrors(reply, ['username', 'password', 'displayName']);
      assertNothingLeaked(reply);
      const types = await http.post('/auth/register', {
        json: { username: 42, password: 'p'.repeat(129), displayName: ['x'] },
      });
      assertFieldErrors(types, ['username', 'password', 'displayName']);
    });

    it('rejects unknown fields, so nobody can choose their own id', async () => {
      const reply = await http.post('/auth/register', {
        json: { username: 'mallory', password: 'long enough', id: 'mine', isAdmin: true },
      });
      assertFieldErrors(reply, ['id', 'isAdmin']);
      for (const key of ['__proto__', 'constructor']) {
        const sneaky = await http.post('/auth/register', {
          body: `{"username":"mallory","password":"long enough","${key}":{"isAdmin":true}}`,
          headers: JSON_TYPE,
        });
        assert.equal(sneaky.status, 400, sneaky.text);
        expect(sneaky.text).toMatch(new RegExp(key));
      }
    });

    it('answers malformed JSON with 400 and an oversized body with 413, without internals', async () => {
      const malformed = await http.post('/auth/register', {
        body: '{"username": "carol", ',
        headers: JSON_TYPE,
      });
      assert.equal(malformed.status, 400, malformed.text);
      expect(malformed.json().statusCode).toBe(400);
      assertNothingLeaked(malformed);

      const oversized = await http.post('/auth/register', {
        json: { username: 'carol', password: 'long enough', displayName: 'x'.repeat(16 * 1024) },
      });
      assert.equal(oversized.status, 413, oversized.text);
      assertNothingLeaked(oversized);
    });

    it('leaves the stored account untouched when a registration fails', async () => {
      const before = await storedAccounts();
      const attempts = [
        { username: alice.username.toUpperCase(), password: 'new password', displayName: 'Evil' },
        { username: alice.username, password: 'new password', displayName: 'd'.repeat(65) },
        { username: alice.username, password: 'new password', extra: 1 },
      ];
      const statuses = [];
      for (const json of attempts) {
        const reply = await http.post('/auth/register', { json });
        assertNothingLeaked(reply);
        statuses.push(reply.status);
      }
      expect(statuses).toStrictEqual([409, 400, 400]);

      expect((await login(alice.username, 'new password')).status).toBe(401);
      const original = await login(alice.username, alice.password);
      expect(original.status).toBe(200);
      expect(original.json<LoginResponseDto>().user.displayName).toBe(alice.username);
      expect(await storedAccounts()).toStrictEqual(before);
      const found = await http.get(`/users?search=${alice.username}`, { token: alice.token });
      expect(found.json()).toStrictEqual([
        { username: alice.username, displayName: alice.username, contact: false },
      ]);
    });
  });

  describe('POST /auth/login', () => {
    it('returns a bearer token and sets it as an HttpOnly, SameSite=Strict cookie', async () => {
      const reply = await login(alice.username, alice.password);
      assert.equal(reply.status, 200, reply.text);
      const body = reply.json<LoginResponseDto>();
      expect(Object.keys(body).sort()).toStrictEqual([
        'accessToken',
        'expiresIn',
        'tokenType',
        'user',
      ]);
      expect(body.tokenType).toBe('Bearer');
      expect(body.expiresIn).toBe(86400);
      expect(body.user.id).toBe(alice.id);
      expect(cookieValue(reply.authCookie)).toBe(body.accessToken);
      const attributes = cookieAttributes(reply.authCookie ?? '');
      expect(attributes.httponly).toBe('');
      expect(attributes.samesite).toBe('Strict');
      expect(attributes.path).toBe('/');
      expect(attributes['max-age']).toBe('86400');
      assert.equal('secure' in attributes, false, 'plain HTTP must not get a Secure cookie');
    });

    it('signs an HS256 token naming the user, issuer and audience, valid for 24 hours', async () => {
      const { accessToken } = (
        await login(alice.username, alice.password)
      ).json<LoginResponseDto>();
      const { header, payload } = decodeJwt(accessToken);
      expect(header.alg).toBe('HS256');
      expect(payload.sub).toBe(alice.id);
      expect(payload.username).toBe(alice.username);
      expect(payload.iss).toBe('dialtone');
      expect(payload.aud).toBe('dialtone');
      expect(Number(payload.exp) - Number(payload.iat)).toBe(86400);
      assert.ok(Math.abs(Number(payload.iat) - Date.now() / 1000) < 60);
    });

    it('matches the username case-insensitively', async () => {
      const reply = await login(alice.username.toUpperCase(), alice.password);
      assert.equal(reply.status, 200, reply.text);
    });

    it('answers an unknown user and a wrong password with the same 401', async () => {
      const unknown = await login('nobody-here', alice.password);
      const wrong = await login(alice.username, 'wrong password');
      expect(unknown.status).toBe(401);
      expect(wrong.status).toBe(401);
      expect(unknown.text).toBe(wrong.text);
      expect(unknown.authCookie).toBe(undefined);
      expect(wrong.authCookie).toBe(undefined);
    });

    it('ignores X-Forwarded-Proto unless TRUST_PROXY is set', async () => {
      const reply = await login(alice.username, alice.password, { 'x-forwarded-proto': 'https' });
      expect(reply.status).toBe(200);
      expect('secure' in cookieAttributes(reply.authCookie ?? '')).toBe(false);
    });

    it('locks one account out for this address after 5 failures, even with the right password', async () => {
      const victim = await createUser(app.baseUrl, 'victim');
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        expect((await login(victim.username, `guess ${attempt}`)).status).toBe(401);
      }
      const locked = await login(victim.username.toUpperCase(), victim.password);
      assert.equal(locked.status, 429, locked.text);
      const retryAfter = Number(locked.headers.get('retry-after'));
      assert.ok(
        Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 900,
        `${retryAfter}`,
      );
      expect(locked.authCookie).toBe(undefined);

      assert.equal((await login(alice.username, alice.password)).status, 200, 'others unaffected');
    });
  });

  describe('POST /auth/logout', () => {
    it('clears the login cookie with an expiry in the past', async () => {
      const reply = await http.post('/auth/logout', { cookie: alice.token });
      expect(reply.status).toBe(204);
      assert.ok(reply.authCookie, 'expected a Set-Cookie for dialtone_token');
      expect(cookieValue(reply.authCookie)).toBe('');
      const attributes = cookieAttributes(reply.authCookie);
      assert.ok(Date.parse(attributes.expires) < Date.now(), attributes.expires);
      expect(attributes.path).toBe('/');
    });
  });
});

describe('auth behind a trusted proxy (TRUST_PROXY=loopback)', () => {
  let app: TestApp;
  let bob: TestUser;
  const http = client(() => app.baseUrl);
  const loginFrom = (ip: string, password: string, headers: Record<string, string> = {}) =>
    http.post('/auth/login', {
      json: { username: bob.username, password },
      headers: { 'x-forwarded-for': ip, ...headers },
    });

  beforeAll(async () => {
    app = await startTestApp({ TRUST_PROXY: 'loopback' });
    bob = await createUser(app.baseUrl, 'bob');
  });
  afterAll(async () => {
    await app.close();
  });

  it('marks the cookie Secure when the proxy says the request came over HTTPS', async () => {
    const https = await loginFrom('198.51.100.1', bob.password, { 'x-forwarded-proto': 'https' });
    assert.equal(https.status, 200, https.text);
    expect(cookieAttributes(https.authCookie ?? '').secure).toBe('');
    const http1 = await loginFrom('198.51.100.1', bob.password, { 'x-forwarded-proto': 'http' });
    expect('secure' in cookieAttributes(http1.authCookie ?? '')).toBe(false);
  });

  it('counts failures per client address', async () => {
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      expect((await loginFrom('203.0.113.7', 'wrong password')).status).toBe(401);
    }
    expect((await loginFrom('203.0.113.7', bob.password)).status).toBe(429);
    expect((await loginFrom('203.0.113.8', bob.password)).status).toBe(200);
  });
});
