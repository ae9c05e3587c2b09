import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CallHistoryService } from '../src/calls/call-history.service.js';
import type { CallHistoryEntryDto } from '../src/calls/dto/call-history.dto.js';
import { closeAll, connectCall, party, ring, type Party } from './support/call-fixtures.js';
import { SignalingClient } from './support/signaling-client.js';
import { createUser, startTestApp, type TestApp } from './support/test-app.js';

describe('signaling: a call from ring to hang-up', () => {
  let app: TestApp;
  let alice: Party;
  let bob: Party;

  before(async () => {
    app = await startTestApp({ RING_TIMEOUT_MS: '400' });
  });
  after(() => app.close());

  async function pair(): Promise<void> {
    alice = await party(app.baseUrl, 'alice');
    bob = await party(app.baseUrl, 'bob');
  }

  it('runs the whole seed 002 sequence with fromUser stamped by the server', async () => {
    await pair();
    alice.ws.send({ type: 'call_start', toUser: bob.user.username, fromUser: 'mallory' });
    const ringing = await alice.ws.next('ringing');
    const incoming = await bob.ws.next('call_start');
    assert.deepEqual(incoming, {
      type: 'call_start',
      fromUser: alice.user.username,
      toUser: bob.user.username,
      callId: ringing.callId,
      msg: '1',
    });
    bob.ws.send({ type: 'call_back', toUser: alice.user.username, msg: '1', fromUser: 'mallory' });
    const accepted = await alice.ws.next('call_back');
    assert.deepEqual(accepted, {
      type: 'call_back',
      fromUser: bob.user.username,
      toUser: alice.user.username,
      callId: ringing.callId,
      msg: '1',
    });
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'v=0 offer', fromUser: 'x' });
    const offer = await bob.ws.next('offer');
    assert.equal(offer.sdp, 'v=0 offer');
    assert.equal(offer.fromUser, alice.user.username);
    bob.ws.send({ type: 'answer', toUser: alice.user.username, sdp: 'v=0 answer' });
    assert.equal((await alice.ws.next('answer')).sdp, 'v=0 answer');
    const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' };
    alice.ws.send({ type: '_ice', toUser: bob.user.username, iceCandidate: candidate });
    bob.ws.send({ type: '_ice', toUser: alice.user.username, iceCandidate: candidate });
    assert.deepEqual((await bob.ws.next('_ice')).iceCandidate, candidate);
    assert.equal((await alice.ws.next('_ice')).fromUser, bob.user.username);
    alice.ws.send({ type: 'hangup', toUser: bob.user.username });
    const hangup = await bob.ws.next('hangup');
    assert.equal(hangup.code, 'hangup');
    assert.match(hangup.msg, /hung up/);
    await alice.ws.expectSilence();
    // A seed client answers every hangup with its own: a silent no-op now.
    bob.ws.send({ type: 'hangup', toUser: alice.user.username });
    await alice.ws.expectSilence();
    await bob.ws.expectSilence();
    closeAll(alice, bob);
  });

  it('refuses relay outside a call and delivers nothing', async () => {
    await pair();
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'v=0' });
    const refused = await alice.ws.next('error');
    assert.equal(refused.code, 'not_in_call');
    await bob.ws.expectSilence();
    // Ringing is not enough: no SDP before the callee accepts.
    await ring(alice, bob);
    alice.ws.send({ type: '_ice', toUser: bob.user.username, iceCandidate: {} });
    assert.equal((await alice.ws.next('error')).code, 'not_in_call');
    await bob.ws.expectSilence();
    closeAll(alice, bob);
  });

  it('tells a callee on two sessions that the call was answered on the other', async () => {
    await pair();
    const bobTab = await SignalingClient.connect(app.baseUrl, bob.user.token);
    await ring(alice, bob, [bob.ws, bobTab]);
    bobTab.send({ type: 'call_back', toUser: alice.user.username, msg: '1' });
    assert.equal((await alice.ws.next('call_back')).msg, '1');
    assert.equal((await bob.ws.next('hangup')).code, 'answered_elsewhere');
    // The unbound tab can neither relay nor end the call.
    bob.ws.send({ type: 'answer', toUser: alice.user.username, sdp: 'v=0' });
    assert.equal((await bob.ws.next('error')).code, 'not_in_call');
    bob.ws.send({ type: 'hangup', toUser: alice.user.username });
    await alice.ws.expectSilence();
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'v=0' });
    assert.equal((await bobTab.next('offer')).sdp, 'v=0');
    await bob.ws.expectSilence();
    bobTab.close();
    closeAll(alice, bob);
  });

  it('rejects: the caller hears "0", the callee\'s other sessions stop ringing', async () => {
    await pair();
    const bobTab = await SignalingClient.connect(app.baseUrl, bob.user.token);
    await ring(alice, bob, [bob.ws, bobTab]);
    bob.ws.send({ type: 'call_back', toUser: alice.user.username, msg: '0' });
    const rejected = await alice.ws.next('call_back');
    assert.equal(rejected.msg, '0');
    assert.equal(rejected.code, 'rejected');
    assert.equal((await bobTab.next('hangup')).code, 'rejected_elsewhere');
    bobTab.close();
    closeAll(alice, bob);
  });

  it('a hangup from the callee while ringing rejects too', async () => {
    await pair();
    await ring(alice, bob);
    bob.ws.send({ type: 'hangup', toUser: alice.user.username });
    assert.equal((await alice.ws.next('call_back')).code, 'rejected');
    closeAll(alice, bob);
  });

  it('the caller cancels while ringing', async () => {
    await pair();
    await ring(alice, bob);
    alice.ws.send({ type: 'hangup', toUser: bob.user.username });
    const cancelled = await bob.ws.next('hangup');
    assert.equal(cancelled.code, 'cancelled');
    assert.equal(cancelled.fromUser, alice.user.username);
    closeAll(alice, bob);
  });

  it('times out: no_answer to the caller, missed to the callee', async () => {
    await pair();
    const callId = await ring(alice, bob);
    const noAnswer = await alice.ws.next('call_back', 2000);
    assert.equal(noAnswer.code, 'no_answer');
    assert.equal(noAnswer.fromUser, 'system');
    assert.match(noAnswer.msg, /did not answer/);
    const missed = await bob.ws.next('hangup');
    assert.equal(missed.code, 'missed');
    await app.app.get(CallHistoryService).flush();
    const response = await fetch(`${app.baseUrl}/calls?limit=5`, {
      headers: { authorization: `Bearer ${bob.user.token}` },
    });
    const calls = (await response.json()) as CallHistoryEntryDto[];
    assert.deepEqual(
      { id: calls[0].callId, direction: calls[0].direction, missed: calls[0].missed },
      { id: callId, direction: 'incoming', missed: true },
    );
    assert.equal(calls[0].endCode, 'no_answer');
    closeAll(alice, bob);
  });

  it('tells the peer when a bound session disconnects mid-call', async () => {
    await pair();
    await connectCall(alice, bob);
    bob.ws.socket.terminate();
    const gone = await alice.ws.next('hangup');
    assert.equal(gone.code, 'disconnected');
    closeAll(alice);
  });

  it('answers a second caller with busy, and the ongoing call is untouched', async () => {
    await pair();
    const carol = await party(app.baseUrl, 'carol');
    await connectCall(alice, bob);
    carol.ws.send({ type: 'call_start', toUser: bob.user.username });
    const busy = await carol.ws.next('call_back');
    assert.equal(busy.code, 'busy');
    assert.equal(busy.fromUser, 'system');
    await bob.ws.expectSilence();
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'still here' });
    assert.equal((await bob.ws.next('offer')).sdp, 'still here');
    // A caller already in a call cannot start another.
    alice.ws.send({ type: 'call_start', toUser: carol.user.username });
    assert.equal((await alice.ws.next('error')).code, 'already_in_call');
    closeAll(alice, bob, carol);
  });

  it('resolves glare into exactly one call', async () => {
    await pair();
    alice.ws.send({ type: 'call_start', toUser: bob.user.username });
    bob.ws.send({ type: 'call_start', toUser: alice.user.username });
    const ringing = await alice.ws.next('ringing');
    assert.equal((await bob.ws.next('call_start')).callId, ringing.callId);
    const glare = await bob.ws.next('call_back');
    assert.equal(glare.code, 'glare');
    assert.equal(glare.callId, ringing.callId);
    await alice.ws.expectSilence();
    bob.ws.send({ type: 'call_back', toUser: alice.user.username, msg: '1' });
    assert.equal((await alice.ws.next('call_back')).msg, '1');
    closeAll(alice, bob);
  });

  it('answers unknown accounts, offline users and self-calls with system replies', async () => {
    await pair();
    const cases: [string, string][] = [
      ['nobody-here', 'unknown_user'],
      [alice.user.username, 'self'],
    ];
    bob.ws.close();
    await bob.ws.closed;
    cases.push([bob.user.username, 'offline']);
    for (const [toUser, code] of cases) {
      alice.ws.send({ type: 'call_start', toUser });
      const reply = await alice.ws.next('call_back');
      assert.equal(reply.code, code);
      assert.equal(reply.fromUser, 'system');
      assert.ok(reply.msg.length > 10 && reply.msg !== '0' && reply.msg !== '1');
    }
    closeAll(alice);
  });

  it('makes the directory show who is online', async () => {
    await pair();
    const search = async (): Promise<boolean> => {
      const response = await fetch(`${app.baseUrl}/users?search=${bob.user.username}`, {
        headers: { authorization: `Bearer ${alice.user.token}` },
      });
      const [entry] = (await response.json()) as { online: boolean }[];
      return entry.online;
    };
    assert.equal(await search(), true);
    bob.ws.close();
    await bob.ws.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(await search(), false);
    closeAll(alice);
  });

  it('puts online accounts first, even past the limit', async () => {
    // "dirza…" and "dirzb…" sort before the online "dirzc…".
    const offline = [
      await createUser(app.baseUrl, 'dirza'),
      await createUser(app.baseUrl, 'dirzb'),
    ];
    const onlineUser = await createUser(app.baseUrl, 'dirzc');
    const socket = await SignalingClient.connect(app.baseUrl, onlineUser.token);
    const response = await fetch(`${app.baseUrl}/users?search=dirz&limit=1`, {
      headers: { authorization: `Bearer ${offline[0].token}` },
    });
    const entries = (await response.json()) as { username: string; online: boolean }[];
    assert.deepEqual(entries, [
      { username: onlineUser.username, displayName: onlineUser.username, online: true },
    ]);
    socket.close();
  });
});
