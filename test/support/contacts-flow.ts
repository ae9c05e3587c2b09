import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import type { AccountDataDto } from '../../src/account/dto/account.dto.js';
import { CallHistoryService } from '../../src/calls/call-history.service.js';
import type { RecentCallDto } from '../../src/calls/dto/call-history.dto.js';
import type { DirectoryEntryDto } from '../../src/directory/dto/directory-entry.dto.js';
import { contactList, makeContacts } from './contacts.js';
import { call } from './http.js';
import { SignalingClient } from './signaling-client.js';
import { createUser, type TestApp, type TestUser } from './test-app.js';

/** Seconds a deleted account's username stays reserved in this flow. */
export const FLOW_COOLING_OFF_S = 1;

/**
 * Contacts, blocks, privacy settings, hidden call attempts and account deletion against
 * whichever database `start` wires up (SQLite in the e2e suite, PostgreSQL in the integration
 * suite): the migration's tables, foreign keys (ON DELETE CASCADE), booleans, timestamps and the
 * raw queries behind the lists must behave alike on both.
 */
export function describeContactsFlow(title: string, start: () => Promise<TestApp>): void {
  describe(title, () => {
    let app: TestApp | undefined;
    const base = () => app?.baseUrl ?? assert.fail('app not started');
    let ann: TestUser;
    let ben: TestUser;
    let cat: TestUser;

    beforeAll(async () => {
      app = await start();
      // Names with "_": a LIKE wildcard if the search did not escape it.
      [ann, ben, cat] = [
        await createUser(base(), 'fl_ann'),
        await createUser(base(), 'fl_ben'),
        await createUser(base(), 'flxcat'),
      ];
    });
    afterAll(async () => {
      await app?.close();
    });

    it('keeps contacts, requests and their dates; the directory puts contacts first', async () => {
      await makeContacts(base(), ann, ben);
      await call(base(), 'POST', '/contacts', {
        token: cat.token,
        json: { username: ann.username },
      });
      const list = await contactList(base(), ann);
      expect(list.contacts.map((c) => [c.username, c.online])).toStrictEqual([
        [ben.username, false],
      ]);
      expect(list.incoming.map((c) => c.username)).toStrictEqual([cat.username]);
      const since = Date.parse(list.incoming[0].since);
      assert.ok(Math.abs(since - Date.now()) < 60_000, list.incoming[0].since);
      const found = await call(base(), 'GET', '/users?search=fl_&limit=20', { token: ben.token });
      expect(found.json<DirectoryEntryDto[]>().map((e) => [e.username, e.contact])).toStrictEqual([
        [ann.username, true],
        [ben.username, false],
      ]);
    });

    it("tells a user's contacts, and only them, when the user connects and leaves", async () => {
      // After the test above: ann and ben are contacts, cat only asked ann.
      const annWs = await SignalingClient.connect(base(), ann.token);
      const benWs = await SignalingClient.connect(base(), ben.token);
      expect(await annWs.next('contact_online')).toMatchObject({
        toUser: ann.username,
        contact: { username: ben.username },
      });
      const catWs = await SignalingClient.connect(base(), cat.token);
      await annWs.expectSilence();
      catWs.close();
      benWs.close();
      expect(await annWs.next('contact_offline')).toMatchObject({
        contact: { username: ben.username },
      });
      annWs.close();
    });

    it('stores privacy settings, with the do-not-disturb end time to the millisecond', async () => {
      const until = new Date(Date.now() + 3_600_000).toISOString();
      const patch = await call(base(), 'PATCH', '/privacy', {
        token: ben.token,
        json: { whoCanRing: 'contacts', doNotDisturb: true, doNotDisturbUntil: until },
      });
      expect(patch.status).toBe(200);
      const stored = await call(base(), 'GET', '/privacy', { token: ben.token });
      expect(stored.json()).toStrictEqual({
        whoCanRing: 'contacts',
        doNotDisturb: true,
        doNotDisturbUntil: until,
      });
      await call(base(), 'PATCH', '/privacy', { token: ben.token, json: { doNotDisturb: false } });
    });

    it('records a refused call for the caller only', async () => {
      const catWs = await SignalingClient.connect(base(), cat.token);
      catWs.send({ type: 'call_start', toUser: ben.username }); // ben: contacts only
      expect((await catWs.next('call_back')).code).toBe('offline');
      catWs.close();
      await app?.app.get(CallHistoryService).flush();
      const calls = async (user: TestUser) =>
        (await call(base(), 'GET', '/calls', { token: user.token })).json<RecentCallDto[]>();
      expect((await calls(cat)).map((e) => [e.peer, e.endCode])).toStrictEqual([
        [ben.username, 'offline'],
      ]);
      expect(await calls(ben)).toStrictEqual([]);
    });

    it('blocks; deleting an account takes its links, blocks and calls with it, and keeps its name a while', async () => {
      const blocked = await call(base(), 'POST', '/blocks', {
        token: cat.token,
        json: { username: ben.username },
      });
      expect(blocked.status).toBe(204);
      const data = (
        await call(base(), 'GET', '/users/me/data', { token: cat.token })
      ).json<AccountDataDto>();
      expect(data.blocked.map((b) => b.username)).toStrictEqual([ben.username]);
      expect(data.contactRequestsSent.map((b) => b.username)).toStrictEqual([ann.username]);

      const deleted = await call(base(), 'DELETE', '/users/me', {
        token: ben.token,
        json: { password: ben.password },
      });
      expect(deleted.status).toBe(204);
      const db = app?.app.get(DataSource) ?? assert.fail();
      const count = async (sql: string) =>
        Number((await db.query<{ n: number | string }[]>(sql))[0].n);
      expect(await count('SELECT COUNT(*) AS n FROM contact_links')).toBe(1); // cat -> ann
      expect(await count('SELECT COUNT(*) AS n FROM blocks')).toBe(0);
      expect((await contactList(base(), ann)).contacts).toStrictEqual([]);
      expect(
        (await call(base(), 'GET', '/calls', { token: cat.token })).json<RecentCallDto[]>(),
      ).toStrictEqual([]);
      const again = () =>
        call(base(), 'POST', '/auth/register', {
          json: { username: ben.username, password: 'somebody else 1' },
        });
      expect((await again()).status).toBe(409);
      await new Promise((resolve) => setTimeout(resolve, FLOW_COOLING_OFF_S * 1000 + 200));
      expect((await again()).status).toBe(201);
    });

    it('the migration can be reverted and run again', async () => {
      const db = app?.app.get(DataSource) ?? assert.fail();
      // Newest first: the push subscriptions (issue 21), then contacts and privacy.
      await db.undoLastMigration();
      await db.undoLastMigration();
      const tables = async () =>
        (
          await db.query<{ name: string }[]>(
            db.options.type === 'postgres'
              ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
              : "SELECT name FROM sqlite_master WHERE type = 'table'",
          )
        )
          .map((row) => row.name)
          .filter((name) =>
            ['contact_links', 'blocks', 'deleted_accounts', 'push_subscriptions'].includes(name),
          )
          .sort();
      expect(await tables()).toStrictEqual([]);
      await db.runMigrations();
      expect(await tables()).toStrictEqual([
        'blocks',
        'contact_links',
        'deleted_accounts',
        'push_subscriptions',
      ]);
    });
  });
}
