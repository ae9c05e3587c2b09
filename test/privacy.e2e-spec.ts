// Issue 13, privacy: what a stranger can learn and do (nothing you did not allow), blocking and
// do-not-disturb. Each rule is tried the way a stranger would try to get around it.
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecentCallDto } from '../src/calls/dto/call-history.dto.js';
import type { DirectoryEntryDto } from '../src/directory/dto/directory-entry.dto.js';
import type { PrivacySettingsDto } from '../src/privacy/dto/privacy.dto.js';
import type { CallBackMessage } from '../src/signaling/protocol.js';
import { type Party } from './support/call-fixtures.js';
import { contactList, makeContacts } from './support/contacts.js';
import { assertNothingLeaked, call, type Reply } from './support/http.js';
import { SignalingClient } from './support/signaling-client.js';
import { createUser, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

describe('privacy', () => {
  let app: TestApp;
  const base = () => app.baseUrl;
  const get = (user: TestUser, path: string) => call(base(), 'GET', path, { token: user.token });
  const post = (user: TestUser, path: string, json: unknown) =>
    call(base(), 'POST', path, { token: user.token, json });
  const patchPrivacy = (user: TestUser, json: unknown) =>
    call(base(), 'PATCH', '/privacy', { token: user.token, json });
  const online = async (prefix: string): Promise<Party> => {
    const user = await createUser(base(), prefix);
    return { user, ws: await SignalingClient.connect(base(), user.token) };
  };
  /** Every account's recent calls, as `GET /calls` shows them. */
  const history = async (user: TestUser) => {
    const reply = await get(user, '/calls');
    assert.equal(reply.status, 200, reply.text);
    return reply.json<RecentCallDto[]>();
  };

  /** What `caller` hears back after dialling `callee`, which must not ring (callee is idle). */
  async function refusedAnswer(caller: Party, callee: string): Promise<CallBackMessage> {
    caller.ws.send({ type: 'call_start', toUser: callee });
    return caller.ws.next('call_back');
  }

  /** The call_back without what differs between any two calls (its id, and who was called). */
  function shape(reply: CallBackMessage, callee: string) {
    assert.match(reply.callId ?? '', /^[0-9a-f-]{36}$/);
    return { ...reply, callId: 'ID', msg: reply.msg.replace(callee, 'PEER') };
  }

  beforeAll(async () => {
    // The ring-bombing limits would answer rate_limited to the many attempts below.
    app = await startTestApp({ CALL_STARTS_PER_CALLEE: '1000', CALL_STARTS_PER_CALLER: '1000' });
  });
  afterAll(() => app.close());

  describe('the directory', () => {
    it('cannot be listed: no search, an empty one, 1-2 characters or wildcards are refused', async () => {
      const mallory = await createUser(base(), 'mallory');
      const queries = ['', 'search=', 'search=a', 'search=ab', 'search=%25', 'search=___'];
      for (const query of [...queries, 'search=%25%25%25', 'search=a%25', 'search=*']) {
        const reply = await get(mallory, `/users?${query}`);
        expect([query, reply.status]).toStrictEqual([query, 400]);
        assertNothingLeaked(reply);
      }
    });

    it('never shows a stranger online or not: `online` is absent, not false', async () => {
      const mallory = await createUser(base(), 'mallory');
      const target = await online('target');
      const search = async () =>
        (await get(mallory, `/users?search=${target.user.username}`)).json<DirectoryEntryDto[]>();
      const whileOnline = await search();
      expect(whileOnline).toStrictEqual([
        { username: target.user.username, displayName: target.user.username, contact: false },
      ]);
      target.ws.close();
      await target.ws.closed;
      expect(await search()).toStrictEqual(whileOnline);
      // A pending request (mallory asked, no answer) does not show it either.
      await post(mallory, '/contacts', { username: target.user.username });
      expect(await search()).toStrictEqual(whileOnline);
    });

    it('counts searches per account: past DIRECTORY_SEARCH_RATE, 429 with Retry-After', async () => {
      const limited = await startTestApp({ DIRECTORY_SEARCH_RATE: '3' });
      try {
        const crawler = await createUser(limited.baseUrl, 'crawl');
        const other = await createUser(limited.baseUrl, 'other');
        const statuses: number[] = [];
        let last: Reply | undefined;
        for (const prefix of ['aaa', 'aab', 'aac', 'aad', 'aae']) {
          last = await call(limited.baseUrl, 'GET', `/users?search=${prefix}`, {
            token: crawler.token,
          });
          statuses.push(last.status);
        }
        expect(statuses).toStrictEqual([200, 200, 200, 429, 429]);
        assert.ok(Number(last?.headers.get('retry-after')) >= 1);
        // Another account has its own budget.
        const fine = await call(limited.baseUrl, 'GET', '/users?search=aaa', {
          token: other.token,
        });
        expect(fine.status).toBe(200);
      } finally {
        await limited.close();
      }
    });
  });

  describe('who can ring me', () => {
    it('"contacts only": a stranger hears exactly what an offline account answers; nothing rings', async () => {
      const mallory = await online('mallory');
      const bob = await online('bob');
      const friend = await createUser(base(), 'friend');
      await makeContacts(base(), bob.user, friend);
      await bob.ws.next('contact_accepted');
      const offlineAccount = await createUser(base(), 'gone');
      const settings = await patchPrivacy(bob.user, { whoCanRing: 'contacts' });
      expect(settings.json()).toStrictEqual({
        whoCanRing: 'contacts',
        doNotDisturb: false,
        doNotDisturbUntil: null,
      });

      const realOffline = await refusedAnswer(mallory, offlineAccount.username);
      const refused = await refusedAnswer(mallory, bob.user.username);
      expect(shape(refused, bob.user.username)).toStrictEqual(
        shape(realOffline, offlineAccount.username),
      );
      expect(refused.code).toBe('offline');
      await bob.ws.expectSilence(300);

      // Not "busy" while bob is in a call either.
      const friendWs = await SignalingClient.connect(base(), friend.token);
      await bob.ws.next('contact_online');
      friendWs.send({ type: 'call_start', toUser: bob.user.username });
      await bob.ws.next('call_start');
      await friendWs.next('ringing'); // the contact rings through
      expect((await refusedAnswer(mallory, bob.user.username)).code).toBe('offline');

      // mallory's history shows offline attempts; bob's knows nothing of them.
      const mine = (await history(mallory.user)).filter((e) => e.peer === bob.user.username);
      expect(mine.map((e) => [e.direction, e.endCode])).toStrictEqual([['outgoing', 'offline']]);
      expect(mine[0].attempts).toBe(2);
      expect((await history(bob.user)).map((e) => e.peer)).toStrictEqual([friend.username]);

      // Back to everyone: mallory rings (bob hangs up the friend's call first).
      bob.ws.send({ type: 'hangup', toUser: friend.username });
      await friendWs.next('call_back');
      await patchPrivacy(bob.user, { whoCanRing: 'everyone' });
      mallory.ws.send({ type: 'call_start', toUser: bob.user.username });
      expect((await bob.ws.next('call_start')).fromUser).toBe(mallory.user.username);
      mallory.ws.send({ type: 'hangup', toUser: bob.user.username });
      for (const ws of [mallory.ws, bob.ws, friendWs]) {
        ws.close();
      }
    });
  });

  describe('block', () => {
    it('a blocked account cannot ring, request, or see presence, and is answered as by an offline account', async () => {
      const alice = await online('alice');
      const mallory = await online('mallory');
      await makeContacts(base(), mallory.user, alice.user);
      await alice.ws.next('contact_request');
      await alice.ws.next('contact_accepted');
      await mallory.ws.next('contact_accepted');

      const blocked = await call(base(), 'POST', '/blocks', {
        token: alice.user.token,
        json: { username: mallory.user.username },
      });
      expect(blocked.status).toBe(204);
      // The contact ends for both; to mallory it looks exactly like a removal.
      expect((await mallory.ws.next('contact_removed')).contact.username).toBe(alice.user.username);
      await alice.ws.next('contact_removed');
      expect((await get(alice.user, '/blocks')).json()).toStrictEqual([
        expect.objectContaining({ username: mallory.user.username }),
      ]);

      // Calls: answered "offline" like a real offline account, nothing rings.
      const offlineAccount = await createUser(base(), 'gone');
      const refused = await refusedAnswer(mallory, alice.user.username);
      const realOffline = await refusedAnswer(mallory, offlineAccount.username);
      expect(shape(refused, alice.user.username)).toStrictEqual(
        shape(realOffline, offlineAccount.username),
      );
      await alice.ws.expectSilence(300);
      expect(await history(alice.user)).toStrictEqual([]);

      // Contact requests: the same answers as to anyone who has not answered, and none arrives.
      const request = await post(mallory.user, '/contacts', { username: alice.user.username });
      const control = await post(mallory.user, '/contacts', { username: offlineAccount.username });
      expect(request.status).toBe(control.status);
      expect(request.json()).toStrictEqual({
        status: 'requested',
        contact: { username: alice.user.username, displayName: alice.user.username },
      });
      await alice.ws.expectSilence(300);
      expect((await contactList(base(), alice.user)).incoming).toStrictEqual([]);
      expect((await contactList(base(), mallory.user)).outgoing.map((e) => e.username)).toContain(
        alice.user.username,
      );

      // Presence: mallory never hears alice come or go.
      alice.ws.close();
      const back = await SignalingClient.connect(base(), alice.user.token);
      await mallory.ws.expectSilence(300);
      expect((await contactList(base(), mallory.user)).contacts).toStrictEqual([]);
      // Nor can alice be made to ring by the back door: accepting is refused as if never asked.
      expect(
        (
          await call(base(), 'POST', `/contacts/${mallory.user.username}/accept`, {
            token: alice.user.token,
          })
        ).status,
      ).toBe(404);
      // alice may not ask mallory while she blocks her (a clear 409 for her own action).
      const own = await post(alice.user, '/contacts', { username: mallory.user.username });
      expect([own.status, own.json().code]).toStrictEqual([409, 'you_blocked_them']);

      // Unblocking: what mallory sent meanwhile never arrives; calls ring again.
      const unblocked = await call(base(), 'DELETE', `/blocks/${mallory.user.username}`, {
        token: alice.user.token,
      });
      expect(unblocked.status).toBe(204);
      expect((await mallory.ws.next('contact_removed')).contact.username).toBe(alice.user.username);
      expect((await contactList(base(), alice.user)).incoming).toStrictEqual([]);
      expect((await get(alice.user, '/blocks')).json()).toStrictEqual([]);
      mallory.ws.send({ type: 'call_start', toUser: alice.user.username });
      expect((await back.next('call_start')).fromUser).toBe(mallory.user.username);
      mallory.ws.send({ type: 'hangup', toUser: alice.user.username });
      back.close();
      mallory.ws.close();
    });

    it('refuses bad block requests clearly', async () => {
      const carol = await createUser(base(), 'carol');
      const cases: [string, Promise<Reply>, number][] = [
        ['unknown', post(carol, '/blocks', { username: 'nobody-here' }), 404],
        ['oneself', post(carol, '/blocks', { username: carol.username }), 400],
        ['not a name', post(carol, '/blocks', { username: '../etc' }), 400],
        [
          'unblock unknown',
          call(base(), 'DELETE', '/blocks/nobody-here', { token: carol.token }),
          404,
        ],
        ['unblock bad', call(base(), 'DELETE', '/blocks/a', { token: carol.token }), 400],
        ['no login', call(base(), 'GET', '/blocks'), 401],
      ];
      for (const [name, request, status] of cases) {
        const reply = await request;
        expect([name, reply.status]).toStrictEqual([name, status]);
        assertNothingLeaked(reply);
      }
    });
  });

  describe('do not disturb', () => {
    it('does not ring; the caller hears "unavailable", the callee sees a missed call and is told of it (missed_call)', async () => {
      const alice = await online('alice');
      const bob = await online('bob');
      const set = await patchPrivacy(bob.user, { doNotDisturb: true });
      expect(set.json<PrivacySettingsDto>()).toStrictEqual({
        whoCanRing: 'everyone',
        doNotDisturb: true,
        doNotDisturbUntil: null,
      });
      alice.ws.send({ type: 'call_start', toUser: bob.user.username });
      const reply = await alice.ws.next('call_back');
      expect(reply).toStrictEqual({
        type: 'call_back',
        fromUser: 'system',
        toUser: alice.user.username,
        callId: reply.callId,
        msg: `${bob.user.username} does not take calls right now (do not disturb).`,
        code: 'unavailable',
      });
      // Nothing rings; once it is in bob's history his pages hear of the missed call (issue 20).
      expect(await bob.ws.next('missed_call')).toStrictEqual({
        type: 'missed_call',
        fromUser: 'system',
        toUser: bob.user.username,
        callId: reply.callId,
        peer: alice.user.username,
      });
      await bob.ws.expectSilence(300);
      const [missed] = await history(bob.user);
      expect([missed.peer, missed.endCode, missed.missed]).toStrictEqual([
        alice.user.username,
        'unavailable',
        true,
      ]);
      expect((await history(alice.user))[0].endCode).toBe('unavailable');

      // With an end time, it ends by itself.
      const until = new Date(Date.now() + 700).toISOString();
      const timed = await patchPrivacy(bob.user, { doNotDisturb: true, doNotDisturbUntil: until });
      expect(timed.json<PrivacySettingsDto>().doNotDisturbUntil).toBe(until);
      expect((await refusedAnswer(alice, bob.user.username)).code).toBe('unavailable');
      expect(await bob.ws.next('missed_call')).toMatchObject({ peer: alice.user.username });
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect((await get(bob.user, '/privacy')).json()).toStrictEqual({
        whoCanRing: 'everyone',
        doNotDisturb: false,
        doNotDisturbUntil: null,
      });
      alice.ws.send({ type: 'call_start', toUser: bob.user.username });
      await bob.ws.next('call_start');
      alice.ws.send({ type: 'hangup', toUser: bob.user.username });
      alice.ws.close();
      bob.ws.close();
    });

    it('tells a stranger nothing while only contacts may ring: "offline", not "unavailable"', async () => {
      const mallory = await online('mallory');
      const bob = await createUser(base(), 'bob');
      await patchPrivacy(bob, { whoCanRing: 'contacts', doNotDisturb: true });
      expect((await refusedAnswer(mallory, bob.username)).code).toBe('offline');
      mallory.ws.close();
    });

    it('refuses bad settings with 400 naming the field, and keeps the old ones', async () => {
      const dan = await createUser(base(), 'dan');
      const before = (await get(dan, '/privacy')).json();
      const past = new Date(Date.now() - 60_000).toISOString();
      const cases: [unknown, string][] = [
        [{ whoCanRing: 'nobody' }, 'whoCanRing'],
        [{ whoCanRing: 42 }, 'whoCanRing'],
        [{ doNotDisturb: 'yes' }, 'doNotDisturb'],
        [{ doNotDisturb: true, doNotDisturbUntil: 'tomorrow' }, 'doNotDisturbUntil'],
        [{ doNotDisturb: true, doNotDisturbUntil: past }, 'doNotDisturbUntil'],
        [{ doNotDisturb: true, doNotDisturbUntil: '+275760-09-13T00:00:00Z' }, 'doNotDisturbUntil'],
        [{ doNotDisturbUntil: new Date(Date.now() + 60_000).toISOString() }, 'doNotDisturbUntil'],
        [{ mood: 'grumpy' }, 'mood'],
      ];
      for (const [json, field] of cases) {
        const reply = await patchPrivacy(dan, json);
        expect([JSON.stringify(json), reply.status]).toStrictEqual([JSON.stringify(json), 400]);
        expect(Object.keys(reply.json<{ errors: object }>().errors)).toStrictEqual([field]);
      }
      expect((await get(dan, '/privacy')).json()).toStrictEqual(before);
      const formBody = await call(base(), 'PATCH', '/privacy', {
        token: dan.token,
        form: { whoCanRing: 'contacts' },
      });
      expect(formBody.status).toBe(415);
    });
  });
});
