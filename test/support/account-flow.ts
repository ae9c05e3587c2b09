import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LoginResponseDto } from '../../src/auth/dto/login.dto.js';
import type { UserProfileDto } from '../../src/users/dto/user-profile.dto.js';
import { assertFieldErrors, assertNothingLeaked, client } from './http.js';
import type { TestApp } from './test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The core account story, run against whichever database `start` wires up: SQLite in the e2e
 * suite, PostgreSQL in the integration suite. Names carry a random tag so a shared database
 * cannot make the directory assertions pass or fail by accident.
 */
export function describeAccountFlow(title: string, start: () => Promise<TestApp>): void {
  describe(title, () => {
    let app: TestApp | undefined;
    const http = client(() => app?.baseUrl ?? assert.fail('app not started'));
    const tag = randomBytes(4).toString('hex');
    const username = `Flow_${tag}`;
    const password = 'flow password 1';
    const displayName = `Flow ${tag} Tester`;
    let profile: UserProfileDto;
    let token: string;

    beforeAll(async () => {
      app = await start();
    });
    afterAll(async () => {
      await app?.close();
    });

    it('registers an account and stores the username in lower case', async () => {
      const reply = await http.post('/auth/register', {
        json: { username, password, displayName },
      });
      assert.equal(reply.status, 201, reply.text);
      profile = reply.json<UserProfileDto>();
      expect(Object.keys(profile).sort()).toStrictEqual([
        'createdAt',
        'displayName',
        'id',
        'username',
      ]);
      expect(profile.id).toMatch(UUID);
      expect(profile.username).toBe(`flow_${tag}`);
      expect(profile.displayName).toBe(displayName);
      assert.ok(Math.abs(Date.parse(profile.createdAt) - Date.now()) < 60_000, profile.createdAt);
    });

    it('refuses the same name in another case with 409 and keeps the first password', async () => {
      const taken = await http.post('/auth/register', {
        json: { username: username.toUpperCase(), password: 'a different password' },
      });
      assert.equal(taken.status, 409, taken.text);
      const hijack = await http.post('/auth/login', {
        json: { username, password: 'a different password' },
      });
      expect(hijack.status).toBe(401);
    });

    it('logs in with the username in any case', async () => {
      const reply = await http.post('/auth/login', {
        json: { username: username.toUpperCase(), password },
      });
      assert.equal(reply.status, 200, reply.text);
      const body = reply.json<LoginResponseDto>();
      expect(body.tokenType).toBe('Bearer');
      expect(body.user).toStrictEqual(profile);
      token = body.accessToken;
    });

    it('GET /users/me answers with the profile of the token', async () => {
      const reply = await http.get('/users/me', { token });
      assert.equal(reply.status, 200, reply.text);
      expect(reply.json()).toStrictEqual(profile);
    });

    it('finds the account by username prefix only, ignoring case, never by display name', async () => {
      const entry = [{ username: profile.username, displayName, contact: false }];
      for (const search of [`FLOW_${tag}`, `Flow_${tag.slice(0, 3)}`]) {
        const reply = await http.get(`/users?search=${encodeURIComponent(search)}`, { token });
        assert.equal(reply.status, 200, reply.text);
        assert.deepEqual(reply.json(), entry, `search "${search}"`);
      }
      const none = await http.get(`/users?search=flow_${tag}z`, { token });
      expect(none.json()).toStrictEqual([]);
      // An infix or the display name finds nobody; a display name with a space is no username.
      expect((await http.get(`/users?search=low_${tag}`, { token })).json()).toStrictEqual([]);
      const byName = await http.get(`/users?search=${encodeURIComponent(`flow ${tag}`)}`, {
        token,
      });
      expect(byName.status).toBe(400);
    });

    it('treats _ and . in the search as literal characters, and refuses % outright', async () => {
      // As LIKE wildcards, each of these would match flow_<tag>.
      for (const search of [
        `flow_${tag.slice(0, -1)}_`,
        `flow.${tag}`,
        `flow_${tag.slice(0, 2)}__`,
      ]) {
        const reply = await http.get(`/users?search=${encodeURIComponent(search)}`, { token });
        assert.equal(reply.status, 200, reply.text);
        assert.deepEqual(reply.json(), [], `search "${search}"`);
      }
      for (const search of [`flow%${tag}`, `%${tag}`, '_low_']) {
        const reply = await http.get(`/users?search=${encodeURIComponent(search)}`, { token });
        assert.equal(reply.status, 400, `search "${search}": ${reply.text}`);
      }
    });

    it('refuses control and format characters in displayName with 400, storing nothing', async () => {
      const names: Record<string, string> = {
        NUL: 'Eve\u0000',
        bell: 'Eve\u0007',
        'line break': 'Eve\nAdmin',
        'right-to-left override': 'Eve\u202Egnp.exe',
        'zero-width space': 'Ev\u200Be',
        'byte order mark (zero-width no-break space)': 'Ev\uFEFFe',
        'line separator': 'Ev\u2028e',
        'lone surrogate': 'Eve\uD800',
      };
      for (const [kind, displayName] of Object.entries(names)) {
        const reply = await http.post('/auth/register', {
          json: { username: `ctl_${tag}`, password, displayName },
        });
        expect([kind, reply.status]).toStrictEqual([kind, 400]);
        assertFieldErrors(reply, ['displayName']);
        assertNothingLeaked(reply);
        expect([
          kind,
          reply.json<{ errors: { displayName: string[] } }>().errors.displayName,
        ]).toStrictEqual([kind, [expect.stringMatching(/control or formatting characters/)]]);
      }
      const none = await http.get(`/users?search=ctl_${tag}`, { token });
      expect(none.json()).toStrictEqual([]);
      // Letters of every script, and emoji, stay welcome.
      const accepted = await http.post('/auth/register', {
        json: { username: `intl_${tag}`, password, displayName: 'Zoë 李雷 Ω 🎧' },
      });
      assert.equal(accepted.status, 201, accepted.text);
    });

    it('answers any directory search with 200 or 400, never 500 (NUL, controls, bad escapes)', async () => {
      const refused = ['a%00', '%00', 'a%E2%80%AE', 'a%0A', 'a%C2%85', `${'x'.repeat(65)}`];
      for (const search of refused) {
        const reply = await http.get(`/users?search=${search}`, { token });
        assert.equal(reply.status, 400, `search=${search}: ${reply.text}`);
        assertNothingLeaked(reply);
      }
      for (const query of [
        'search=%FF',
        'search=%',
        'search=a&search=b',
        'search[x]=1',
        'limit=1e999',
      ]) {
        const reply = await http.get(`/users?${query}`, { token });
        assert.ok([200, 400].includes(reply.status), `${query}: ${reply.status} ${reply.text}`);
      }
      assert.equal((await http.get('/users/me', { token })).status, 200, 'the server is fine');
    });
  });
}
