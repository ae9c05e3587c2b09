// Issue 21, ringing by push, in-memory engine: a callee with no open page but a subscribed device
// rings there (web-push-testing stands in for the push service), the call follows the usual
// rules (ring timeout, cancel, answered on a page, declined from the notification), and a caller
// the callee refuses learns nothing new: no push, the same answer as for an offline callee.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CallPushNotifier } from '../src/push/call-push-notifier.js';
import { eventually } from './browser/eventually.js';
import { call } from './support/http.js';
import { type LocalPushService, startPushService } from './support/push-service.js';
import { SignalingClient } from './support/signaling-client.js';
import { createUser, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

const RING_TIMEOUT_MS = 1500;

describe('ringing a closed app by push (memory engine)', () => {
  let push: LocalPushService;
  let app: TestApp;
  let publicKey: string;
  const base = () => app.baseUrl;

  beforeAll(async () => {
    push = await startPushService();
    app = await startTestApp({
      PUSH_ALLOWED_ENDPOINTS: push.origin,
      RING_TIMEOUT_MS: String(RING_TIMEOUT_MS),
      CALL_COOLDOWN: '1',
    });
    publicKey = (await call(base(), 'GET', '/push/vapid-public-key')).json<{ publicKey: string }>()
      .publicKey;
  });
  afterAll(async () => {
    await app.close();
    await push.close();
  });

  /** Another browser of `user` subscribed to Web Push. */
  async function subscribedDevice(user: TestUser) {
    const { subscription, clientHash } = await push.subscribe(publicKey);
    const reply = await call(base(), 'POST', '/push/subscriptions', {
      token: user.token,
      json: subscription,
    });
    expect(reply.status).toBe(201);
    return {
      endpoint: subscription.endpoint,
      clientHash,
      messages: () => push.messages(clientHash),
    };
  }

  /** A callee whose browser subscribed, and whose page is closed. */
  async function subscribedCallee(prefix = 'bob') {
    const user = await createUser(base(), prefix, 'Bob Builder');
    return { user, ...(await subscribedDevice(user)) };
  }

  async function caller(prefix = 'alice') {
    const user = await createUser(base(), prefix, 'Alice Liddell');
    return { user, ws: await SignalingClient.connect(base(), user.token) };
  }

  const settled = () => app.app.get(CallPushNotifier).settled();

  it('rings a subscribed callee with no open page: `ringing`, one push; the ring times out', async () => {
    const bob = await subscribedCallee();
    const alice = await caller();
    alice.ws.send({ type: 'call_start', toUser: bob.user.username });
    const ringing = await alice.ws.next('ringing');
    await settled();
    expect(await bob.messages()).toStrictEqual([
      {
        type: 'call',
        callId: ringing.callId,
        from: { username: alice.user.username, displayName: 'Alice Liddell' },
        expiresAt: expect.any(Number),
      },
    ]);
    const pushed = push.requests.filter((r) => r.path === `/notify/${bob.clientHash}`);
    expect(pushed.map((r) => Number(r.headers.ttl))).toStrictEqual([
      Math.ceil(RING_TIMEOUT_MS / 1000),
    ]);
    const noAnswer = await alice.ws.next('call_back', RING_TIMEOUT_MS + 2000);
    expect(noAnswer.code).toBe('no_answer');
    await settled();
    expect((await bob.messages())[1]).toStrictEqual({
      type: 'call_ended',
      callId: ringing.callId,
      reason: 'timeout',
    });
    alice.ws.close();
  });

  it('the caller cancels: `call_ended` cancelled', async () => {
    const bob = await subscribedCallee();
    const alice = await caller();
    alice.ws.send({ type: 'call_start', toUser: bob.user.username });
    const { callId } = await alice.ws.next('ringing');
    alice.ws.send({ type: 'hangup', toUser: bob.user.username, callId });
    // The caller hears nothing back; the push follows the hangup's processing.
    await eventually(async () => {
      await settled();
      expect(await bob.messages()).toStrictEqual([
        expect.objectContaining({ type: 'call', callId }),
        { type: 'call_ended', callId, reason: 'cancelled' },
      ]);
    });
    alice.ws.close();
  });

  it('the page opened from the notification rings and answers; the devices stop ringing', async () => {
    const bob = await subscribedCallee();
    const alice = await caller();
    alice.ws.send({ type: 'call_start', toUser: bob.user.username });
    const { callId } = await alice.ws.next('ringing');
    const page = await SignalingClient.connect(base(), bob.user.token);
    const rung = await page.next('call_start');
    expect(rung.callId).toBe(callId);
    page.send({ type: 'call_back', toUser: alice.user.username, callId, msg: '1' });
    expect((await alice.ws.next('call_back')).msg).toBe('1');
    await settled();
    expect((await bob.messages())[1]).toStrictEqual({
      type: 'call_ended',
      callId,
      reason: 'answered_elsewhere',
    });
    page.close();
    alice.ws.close();
  });

  it('Decline from the notification (POST /calls/<callId>/decline): the caller hears `rejected`', async () => {
    const bob = await subscribedCallee();
    const alice = await caller();
    alice.ws.send({ type: 'call_start', toUser: bob.user.username });
    const { callId } = await alice.ws.next('ringing');
    const declined = await call(base(), 'POST', `/calls/${callId}/decline`, {
      token: bob.user.token,
    });
    expect(declined.status).toBe(204);
    const answer = await alice.ws.next('call_back');
    expect([answer.msg, answer.code, answer.callId]).toStrictEqual(['0', 'rejected', callId]);
    await settled();
    expect((await bob.messages())[1]).toMatchObject({ type: 'call_ended', reason: 'declined' });
    const again = await call(base(), 'POST', `/calls/${callId}/decline`, { token: bob.user.token });
    expect(again.status).toBe(404);
    alice.ws.close();
  });

  it('a page open in the subscribed browser rings there and no push is sent; no page and no device is `offline`', async () => {
    const bob = await subscribedCallee();
    const page = await SignalingClient.connect(base(), bob.user.token);
    // The page says which subscribed browser it runs in (the call page does after `welcome`).
    page.send({ type: 'push_device', endpoint: bob.endpoint });
    const alice = await caller();
    alice.ws.send({ type: 'call_start', toUser: bob.user.username });
    const { callId } = await alice.ws.next('ringing');
    expect((await page.next('call_start')).callId).toBe(callId);
    alice.ws.send({ type: 'hangup', toUser: bob.user.username, callId });
    await page.next('hangup');
    await settled();
    expect(await bob.messages()).toStrictEqual([]);
    page.close();

    const carol = await createUser(base(), 'carol');
    alice.ws.send({ type: 'call_start', toUser: carol.username });
    expect((await alice.ws.next('call_back')).code).toBe('offline');
    alice.ws.close();
  });

  it('rings by push only the devices without an open page: one push per such device, ended once', async () => {
    const bob = await subscribedCallee();
    const laptop = await subscribedDevice(bob.user);
    const tablet = await subscribedDevice(bob.user);
    // The phone's page is open; the laptop has a page open that never named its device (an older
    // page, or another browser): it rings on the page and by push; the tablet has no page.
    const phonePage = await SignalingClient.connect(base(), bob.user.token);
    phonePage.send({ type: 'push_device', endpoint: bob.endpoint });
    const otherPage = await SignalingClient.connect(base(), bob.user.token);
    const alice = await caller();
    alice.ws.send({ type: 'call_start', toUser: bob.user.username });
    const { callId } = await alice.ws.next('ringing');
    expect((await phonePage.next('call_start')).callId).toBe(callId);
    expect((await otherPage.next('call_start')).callId).toBe(callId);
    await settled();
    const ring = expect.objectContaining({ type: 'call', callId });
    expect(await bob.messages()).toStrictEqual([]);
    expect(await laptop.messages()).toStrictEqual([ring]);
    expect(await tablet.messages()).toStrictEqual([ring]);
    phonePage.send({ type: 'call_back', toUser: alice.user.username, callId, msg: '1' });
    expect((await alice.ws.next('call_back')).msg).toBe('1');
    await settled();
    const ended = { type: 'call_ended', callId, reason: 'answered_elsewhere' };
    expect(await bob.messages()).toStrictEqual([]);
    expect(await laptop.messages()).toStrictEqual([ring, ended]);
    expect(await tablet.messages()).toStrictEqual([ring, ended]);
    phonePage.send({ type: 'push_device', endpoint: 'x'.repeat(1025) });
    expect((await phonePage.next('error')).code).toBe('bad_request');
    for (const ws of [phonePage, otherPage, alice.ws]) {
      ws.close();
    }
  });

  describe('refused callers learn nothing new: no push, the answer an offline callee gives', () => {
    /** What a caller gets from an account with no page and no device (the reference answer). */
    async function offlineAnswer(ws: SignalingClient) {
      const nobody = await createUser(base(), 'nobody');
      ws.send({ type: 'call_start', toUser: nobody.username });
      const { callId: _id, msg, ...fields } = await ws.next('call_back');
      return { ...fields, msg: msg.replace(nobody.username, '<peer>') };
    }
    async function answerFrom(ws: SignalingClient, callee: TestUser) {
      ws.send({ type: 'call_start', toUser: callee.username });
      const { callId: _id, msg, ...fields } = await ws.next('call_back');
      return { ...fields, msg: msg.replace(callee.username, '<peer>') };
    }

    it('contacts only, blocked: `offline` exactly as for nobody; do-not-disturb: `unavailable`', async () => {
      const alice = await caller();
      const reference = await offlineAnswer(alice.ws);
      expect(reference.code).toBe('offline');

      const contactsOnly = await subscribedCallee('dora');
      const set = await call(base(), 'PATCH', '/privacy', {
        token: contactsOnly.user.token,
        json: { whoCanRing: 'contacts' },
      });
      expect(set.status).toBe(200);
      expect(await answerFrom(alice.ws, contactsOnly.user)).toStrictEqual(reference);

      const blocking = await subscribedCallee('erin');
      const blocked = await call(base(), 'POST', '/blocks', {
        token: blocking.user.token,
        json: { username: alice.user.username },
      });
      expect(blocked.status).toBe(204);
      expect(await answerFrom(alice.ws, blocking.user)).toStrictEqual(reference);

      const dnd = await subscribedCallee('fay');
      await call(base(), 'PATCH', '/privacy', {
        token: dnd.user.token,
        json: { doNotDisturb: true },
      });
      expect((await answerFrom(alice.ws, dnd.user)).code).toBe('unavailable');

      await settled();
      for (const callee of [contactsOnly, blocking, dnd]) {
        expect(await callee.messages()).toStrictEqual([]);
      }
      alice.ws.close();
    });
  });
});
