// Issue 13, contacts: mutual consent over REST, and the page's live events over the socket.
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ContactRequestResultDto } from '../src/contacts/dto/contact.dto.js';
import { contactList, makeContacts } from './support/contacts.js';
import { describeContactsFlow, FLOW_COOLING_OFF_S } from './support/contacts-flow.js';
import { assertNothingLeaked, call, type Reply } from './support/http.js';
import { SignalingClient } from './support/signaling-client.js';
import { createUser, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

describeContactsFlow('contacts and privacy on SQLite', () =>
  startTestApp({ USERNAME_COOLING_OFF: String(FLOW_COOLING_OFF_S) }),
);

describe('contacts (mutual consent, live events)', () => {
  let app: TestApp;
  const base = () => app.baseUrl;
  const post = (user: TestUser, path: string, json?: unknown) =>
    call(base(), 'POST', path, { token: user.token, ...(json === undefined ? {} : { json }) });
  const remove = (user: TestUser, path: string) =>
    call(base(), 'DELETE', path, { token: user.token });
  const connect = (user: TestUser) => SignalingClient.connect(base(), user.token);

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('a request reaches the other side live; accepting makes both contacts, with presence', async () => {
    const alice = await createUser(base(), 'alice', 'Alice Liddell');
    const bob = await createUser(base(), 'bob', 'Bob Builder');
    const aliceWs = await connect(alice);
    const bobWs = await connect(bob);

    const asked = await post(alice, '/contacts', { username: bob.username.toUpperCase() });
    expect(asked.status).toBe(200);
    expect(asked.json<ContactRequestResultDto>()).toStrictEqual({
      status: 'requested',
      contact: { username: bob.username, displayName: 'Bob Builder' },
    });
    expect(await bobWs.next('contact_request')).toStrictEqual({
      type: 'contact_request',
      fromUser: 'system',
      toUser: bob.username,
      contact: { username: alice.username, displayName: 'Alice Liddell' },
    });
    await aliceWs.expectSilence();

    // Until bob answers, neither sees the other's presence.
    const waiting = await contactList(base(), alice);
    expect(waiting.contacts).toStrictEqual([]);
    expect(waiting.outgoing.map((e) => [e.username, e.displayName])).toStrictEqual([
      [bob.username, 'Bob Builder'],
    ]);
    const asking = await contactList(base(), bob);
    expect(asking.incoming.map((e) => e.username)).toStrictEqual([alice.username]);
    assert.ok(Math.abs(Date.parse(asking.incoming[0].since) - Date.now()) < 60_000);
    expect(Object.keys(asking.incoming[0]).sort()).toStrictEqual([
      'displayName',
      'since',
      'username',
    ]);

    // Asking again changes nothing and says where things stand.
    expect((await post(alice, '/contacts', { username: bob.username })).json()).toStrictEqual(
      asked.json(),
    );
    await bobWs.expectSilence();

    const accepted = await post(bob, `/contacts/${alice.username}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.json()).toStrictEqual({
      username: alice.username,
      displayName: 'Alice Liddell',
      online: true,
    });
    expect(await aliceWs.next('contact_accepted')).toStrictEqual({
      type: 'contact_accepted',
      fromUser: 'system',
      toUser: alice.username,
      contact: { username: bob.username, displayName: 'Bob Builder', online: true },
    });
    // bob's own sessions hear it too (another tab of his follows).
    expect((await bobWs.next('contact_accepted')).contact.username).toBe(alice.username);

    expect(await contactList(base(), alice)).toStrictEqual({
      contacts: [{ username: bob.username, displayName: 'Bob Builder', online: true }],
      incoming: [],
      outgoing: [],
    });

    // Presence: bob's last session closes, then he comes back on a second device.
    bobWs.close();
    expect(await aliceWs.next('contact_offline')).toStrictEqual({
      type: 'contact_offline',
      fromUser: 'system',
      toUser: alice.username,
      contact: { username: bob.username },
    });
    expect((await contactList(base(), alice)).contacts[0].online).toBe(false);
    const bobPhone = await connect(bob);
    expect((await aliceWs.next('contact_online')).contact.username).toBe(bob.username);
    // A second session of an online user is no news.
    const bobLaptop = await connect(bob);
    await aliceWs.expectSilence(200);
    bobLaptop.close();
    await aliceWs.expectSilence(200);
    aliceWs.close();
    expect((await bobPhone.next('contact_offline')).contact.username).toBe(alice.username);
    bobPhone.close();
  });

  it('asking someone who already asked you makes you contacts at once', async () => {
    const carol = await createUser(base(), 'carol');
    const dave = await createUser(base(), 'dave');
    const carolWs = await connect(carol);
    expect((await post(dave, '/contacts', { username: carol.username })).status).toBe(200);
    await carolWs.next('contact_request');
    const back = await post(carol, '/contacts', { username: dave.username });
    expect(back.json()).toStrictEqual({
      status: 'contact',
      contact: { username: dave.username, displayName: dave.username, online: false },
    });
    expect((await carolWs.next('contact_accepted')).contact).toStrictEqual({
      username: dave.username,
      displayName: dave.username,
      online: false,
    });
    expect((await contactList(base(), dave)).contacts.map((c) => c.username)).toStrictEqual([
      carol.username,
    ]);
    carolWs.close();
  });

  it('declining, withdrawing and removing take every link away, and tell the other side', async () => {
    const erin = await createUser(base(), 'erin');
    const frank = await createUser(base(), 'frank');
    const erinWs = await connect(erin);
    const frankWs = await connect(frank);

    // frank declines erin's request.
    await post(erin, '/contacts', { username: frank.username });
    await frankWs.next('contact_request');
    expect((await remove(frank, `/contacts/${erin.username}`)).status).toBe(204);
    expect((await erinWs.next('contact_removed')).contact).toStrictEqual({
      username: frank.username,
    });
    expect((await frankWs.next('contact_removed')).contact.username).toBe(erin.username);
    expect(await contactList(base(), erin)).toStrictEqual({
      contacts: [],
      incoming: [],
      outgoing: [],
    });
    // A declined request cannot be accepted any more.
    expect((await post(frank, `/contacts/${erin.username}/accept`)).status).toBe(404);

    // erin asks again and withdraws before frank answers.
    await post(erin, '/contacts', { username: frank.username });
    await frankWs.next('contact_request');
    expect((await remove(erin, `/contacts/${frank.username}`)).status).toBe(204);
    expect((await frankWs.next('contact_removed')).contact.username).toBe(erin.username);
    expect((await contactList(base(), frank)).incoming).toStrictEqual([]);
    await erinWs.next('contact_removed');

    // As contacts, a removal ends the presence sharing too.
    await makeContacts(base(), erin, frank);
    await frankWs.next('contact_request');
    await erinWs.next('contact_accepted');
    await frankWs.next('contact_accepted');
    expect((await remove(erin, `/contacts/${frank.username}`)).status).toBe(204);
    await erinWs.next('contact_removed');
    await frankWs.next('contact_removed');
    frankWs.close();
    await erinWs.expectSilence(300); // no contact_offline for someone no longer a contact
    // Removing again (nothing left) is harmless.
    expect((await remove(erin, `/contacts/${frank.username}`)).status).toBe(204);
    erinWs.close();
  });

  it('strangers hear nothing: no presence, no events about anyone else', async () => {
    const gina = await createUser(base(), 'gina');
    const hank = await createUser(base(), 'hank');
    const mallory = await createUser(base(), 'mallory');
    await makeContacts(base(), gina, hank);
    const malloryWs = await connect(mallory);
    // mallory asked gina (no answer yet): a pending request shares no presence either.
    await post(mallory, '/contacts', { username: gina.username });
    const ginaWs = await connect(gina);
    const hankWs = await connect(hank);
    hankWs.close();
    expect((await ginaWs.next('contact_online')).contact.username).toBe(hank.username);
    await ginaWs.next('contact_offline');
    // The request sent before gina connected waits in her list.
    expect((await contactList(base(), gina)).incoming.map((e) => e.username)).toStrictEqual([
      mallory.username,
    ]);
    await malloryWs.expectSilence(300);
    ginaWs.close();
    malloryWs.close();
  });

  it('a new display name reaches contacts and pending requests live (contact_renamed), nobody else', async () => {
    const ivy = await createUser(base(), 'ivy', 'Ivy Old');
    const jon = await createUser(base(), 'jon');
    const kim = await createUser(base(), 'kim');
    const stranger = await createUser(base(), 'stranger');
    await makeContacts(base(), ivy, jon);
    await post(kim, '/contacts', { username: ivy.username }); // kim's request waits
    const [jonWs, kimWs, strangerWs] = await Promise.all([
      connect(jon),
      connect(kim),
      connect(stranger),
    ]);
    const renamed = await call(base(), 'PATCH', '/users/me', {
      token: ivy.token,
      json: { displayName: 'Ivy New' },
    });
    expect(renamed.status).toBe(200);
    for (const [ws, user] of [
      [jonWs, jon],
      [kimWs, kim],
    ] as const) {
      expect(await ws.next('contact_renamed')).toStrictEqual({
        type: 'contact_renamed',
        fromUser: 'system',
        toUser: user.username,
        contact: { username: ivy.username, displayName: 'Ivy New' },
      });
    }
    await strangerWs.expectSilence(300);
    expect((await contactList(base(), jon)).contacts[0].displayName).toBe('Ivy New');
    for (const ws of [jonWs, kimWs, strangerWs]) {
      ws.close();
    }
  });

  it('refuses bad requests clearly, never with a 500', async () => {
    const ivan = await createUser(base(), 'ivan');
    const judy = await createUser(base(), 'judy');
    const cases: [string, Promise<Reply>, number][] = [
      ['unknown account', post(ivan, '/contacts', { username: 'nobody-here' }), 404],
      ['oneself', post(ivan, '/contacts', { username: ivan.username }), 400],
      ['not a username', post(ivan, '/contacts', { username: 'a b' }), 400],
      ['missing username', post(ivan, '/contacts', {}), 400],
      ['extra field', post(ivan, '/contacts', { username: 'x1y2z3', admin: true }), 400],
      ['a number', post(ivan, '/contacts', { username: 42 }), 400],
      ['accept oneself', post(ivan, `/contacts/${ivan.username}/accept`), 400],
      ['accept without a request', post(ivan, `/contacts/${judy.username}/accept`), 404],
      ['accept from nobody', post(ivan, '/contacts/nobody-here/accept'), 404],
      ['bad name in path', remove(ivan, '/contacts/%E2%80%AEevil'), 400],
      ['too long', remove(ivan, `/contacts/${'a'.repeat(33)}`), 400],
      [
        'form body',
        call(base(), 'POST', '/contacts', { token: ivan.token, form: { username: 'x' } }),
        415,
      ],
      ['no login', call(base(), 'GET', '/contacts'), 401],
      [
        'another site',
        call(base(), 'POST', '/contacts', {
          cookie: ivan.token,
          json: { username: 'nobody-here' },
          headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
        }),
        403,
      ],
    ];
    for (const [name, request, status] of cases) {
      const reply = await request;
      expect([name, reply.status]).toStrictEqual([name, status]);
      assertNothingLeaked(reply);
    }
    expect((await contactList(base(), ivan)).outgoing).toStrictEqual([]);
  });
});

describe('contact limits (MAX_CONTACTS, CONTACT_REQUEST_RATE)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ MAX_CONTACTS: '2', CONTACT_REQUEST_RATE: '4' });
  });
  afterAll(() => app.close());

  it('refuses a request past the list size (409) and past the rate (429, Retry-After)', async () => {
    const base = app.baseUrl;
    const [owner, ...others] = await Promise.all(
      Array.from({ length: 4 }, (_, i) => createUser(base, `lim${i}`)),
    );
    const ask = (to: TestUser) =>
      call(base, 'POST', '/contacts', { token: owner.token, json: { username: to.username } });
    expect((await ask(others[0])).status).toBe(200);
    expect((await ask(others[1])).status).toBe(200);
    const full = await ask(others[2]);
    expect(full.status).toBe(409);
    expect(full.json()).toMatchObject({ code: 'list_full' });
    // A withdrawn request frees its place.
    await call(base, 'DELETE', `/contacts/${others[0].username}`, { token: owner.token });
    expect((await ask(others[2])).status).toBe(200);
    const rated = await ask(others[0]);
    expect(rated.status).toBe(429); // the fifth request within a minute: over the rate
    assert.ok(Number(rated.headers.get('retry-after')) >= 1, rated.text);
  });
});
