import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LoginResponseDto } from '../../src/auth/dto/login.dto.js';
import type { UserProfileDto } from '../../src/users/dto/user-profile.dto.js';
import { client } from './http.js';
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

    before(async () => {
      app = await start();
    });
    after(async () => {
      await app?.close();
    });

    it('registers an account and stores the username in lower case', async () => {
      const reply = await http.post('/auth/register', {
        json: { username, password, displayName },
      });
      assert.equal(reply.status, 201, reply.text);
      profile = reply.json<UserProfileDto>();
      assert.deepEqual(Object.keys(profile).sort(), ['createdAt', 'displayName', 'id', 'username']);
      assert.match(profile.id, UUID);
      assert.equal(profile.username, `flow_${tag}`);
      assert.equal(profile.displayName, displayName);
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
      assert.equal(hijack.status, 401);
    });

    it('logs in with the username in any case', async () => {
      const reply = await http.post('/auth/login', {
        json: { username: username.toUpperCase(), password },
      });
      assert.equal(reply.status, 200, reply.text);
      const body = reply.json<LoginResponseDto>();
      assert.equal(body.tokenType, 'Bearer');
      assert.deepEqual(body.user, profile);
      token = body.accessToken;
    });

    it('GET /users/me answers with the profile of the token', async () => {
      const reply = await http.get('/users/me', { token });
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.json(), profile);
    });

    it('finds the account by username or display-name prefix, ignoring case', async () => {
      const entry = [{ username: profile.username, displayName, online: false }];
      for (const search of [
        `FLOW_${tag}`,
        `flow ${tag.toUpperCase()}`,
        `Flow_${tag.slice(0, 3)}`,
      ]) {
        const reply = await http.get(`/users?search=${encodeURIComponent(search)}`, { token });
        assert.equal(reply.status, 200, reply.text);
        assert.deepEqual(reply.json(), entry, `search "${search}"`);
      }
      const none = await http.get(`/users?search=flow_${tag}z`, { token });
      assert.deepEqual(none.json(), []);
    });

    it('treats % and _ in the search as literal characters', async () => {
      // As LIKE wildcards, each of these would match flow_<tag>.
      for (const search of [`flow%${tag}`, `flow_${tag.slice(0, -1)}_`, `%${tag}`, '_low_']) {
        const reply = await http.get(`/users?search=${encodeURIComponent(search)}`, { token });
        assert.equal(reply.status, 200, reply.text);
        assert.deepEqual(reply.json(), [], `search "${search}"`);
      }
    });
  });
}
