import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CallHistoryService } from '../src/calls/call-history.service.js';
import type { CallHistoryEntryDto, RecentCallDto } from '../src/calls/dto/call-history.dto.js';
import type { DirectoryEntryDto } from '../src/directory/dto/directory-entry.dto.js';
import { closeAll, connectCall, party, ring, type Party } from './support/call-fixtures.js';
import { makeContacts, watchedParty } from './support/contacts.js';
import { SignalingClient } from './support/signaling-client.js';
import { createUser, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

describe('signaling: a call from ring to hang-up', () => {
  let app: TestApp;
  let alice: Party;
  let bob: Party;

  beforeAll(async () => {
    app = await startTestApp({ RING_TIMEOUT_MS: '400' });
  });
  afterAll(() => app.close());

  async function pair(): Promise<void> {
    alice = await party(app.baseUrl, 'alice');
    bob = await party(app.baseUrl, 'bob');
  }

  it('runs the whole seed 002 sequence with fromUser stamped by the server', async () => {
    await pair();
    alice.ws.send({ type: 'call_start', toUser: bob.user.username, fromUser: 'mallory' });
    const ringing = await alice.ws.next('ringing');
    const incoming = await bob.ws.next('call_start');
    expect(incoming).toStrictEqual({
      type: 'call_start',
      fromUser: alice.user.username,
      toUser: bob.user.username,
      callId: ringing.callId,
      msg: '1',
    });
    bob.ws.send({ type: 'call_back', toUser: alice.user.username, msg: '1', fromUser: 'mallory' });
    const accepted = await alice.ws.next('call_back');
    expect(accepted).toStrictEqual({
      type: 'call_back',
      fromUser: bob.user.username,
      toUser: alice.user.username,
      callId: ringing.callId,
      msg: '1',
    });
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'v=0 offer', fromUser: 'x' });
    const offer = await bob.ws.next('offer');
    expect(offer.sdp).toBe('v=0 offer');
    expect(offer.fromUser).toBe(alice.user.username);
    bob.ws.send({ type: 'answer', toUser: alice.user.username, sdp: 'v=0 answer' });
    expect((await alice.ws.next('answer')).sdp).toBe('v=0 answer');
    const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' };
    alice.ws.send({ type: '_ice', toUser: bob.user.username, iceCandidate: candidate });
    bob.ws.send({ type: '_ice', toUser: alice.user.username, iceCandidate: candidate });
    expect((await bob.ws.next('_ice')).iceCandidate).toStrictEqual(candidate);
    expect((await alice.ws.next('_ice')).fromUser).toBe(bob.user.username);
    alice.ws.send({ type: 'hangup', toUser: bob.user.username });
    const hangup = await bob.ws.next('hangup');
    expect(hangup.code).toBe('hangup');
    expect(hangup.msg).toMatch(/hung up/);
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
    expect(refused.code).toBe('not_in_call');
    await bob.ws.expectSilence();
    // Ringing is not enough: no SDP before the callee accepts.
    await ring(alice, bob);
    alice.ws.send({ type: '_ice', toUser: bob.user.username, iceCandidate: {} });
    expect((await alice.ws.next('error')).code).toBe('not_in_call');
    await bob.ws.expectSilence();
    closeAll(alice, bob);
  });

  it('relays media_state between the two parties only, and refuses a non-boolean', async () => {
    await pair();
    const bobTab = await SignalingClient.connect(app.baseUrl, bob.user.token);
    // Ringing is not enough, as for offer.
    await ring(alice, bob, [bob.ws, bobTab]);
    alice.ws.send({ type: 'media_state', toUser: bob.user.username, audio: true, video: true });
    expect((await alice.ws.next('error')).code).toBe('not_in_call');
    bob.ws.send({ type: 'call_back', toUser: alice.user.username, msg: '1' });
    const { callId } = await alice.ws.next('call_back');
    expect((await bobTab.next('hangup')).code).toBe('answered_elsewhere');
    bob.ws.send({ type: 'media_state', toUser: alice.user.username, audio: false, video: true });
    expect(await alice.ws.next('media_state')).toStrictEqual({
      type: 'media_state',
      fromUser: bob.user.username,
      toUser: alice.user.username,
      callId,
      audio: false,
      video: true,
    });
    // bob's other tab is not a party to the call.
    bobTab.send({ type: 'media_state', toUser: alice.user.username, audio: true, video: true });
    expect((await bobTab.next('error')).code).toBe('not_in_call');
    alice.ws.send({ type: 'media_state', toUser: bob.user.username, audio: 'no', video: true });
    expect((await alice.ws.next('error')).msg).toBe(
      'Bad message: audio and video must be true or false.',
    );
    await bob.ws.expectSilence();
    await bobTab.expectSilence();
    bobTab.close();
    closeAll(alice, bob);
  });

  it('tells a callee on two sessions that the call was answered on the other', async () => {
    await pair();
    const bobTab = await SignalingClient.connect(app.baseUrl, bob.user.token);
    await ring(alice, bob, [bob.ws, bobTab]);
    bobTab.send({ type: 'call_back', toUser: alice.user.username, msg: '1' });
    expect((await alice.ws.next('call_back')).msg).toBe('1');
    expect((await bob.ws.next('hangup')).code).toBe('answered_elsewhere');
    // The unbound tab can neither relay nor end the call.
    bob.ws.send({ type: 'answer', toUser: alice.user.username, sdp: 'v=0' });
    expect((await bob.ws.next('error')).code).toBe('not_in_call');
    bob.ws.send({ type: 'hangup', toUser: alice.user.username });
    await alice.ws.expectSilence();
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'v=0' });
    expect((await bobTab.next('offer')).sdp).toBe('v=0');
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
    expect(rejected.msg).toBe('0');
    expect(rejected.code).toBe('rejected');
    expect((await bobTab.next('hangup')).code).toBe('rejected_elsewhere');
    bobTab.close();
    closeAll(alice, bob);
  });

  it('a hangup from the callee while ringing rejects too', async () => {
    await pair();
    await ring(alice, bob);
    bob.ws.send({ type: 'hangup', toUser: alice.user.username });
    expect((await alice.ws.next('call_back')).code).toBe('rejected');
    closeAll(alice, bob);
  });

  it('the caller cancels while ringing', async () => {
    await pair();
    await ring(alice, bob);
    alice.ws.send({ type: 'hangup', toUser: bob.user.username });
    const cancelled = await bob.ws.next('hangup');
    expect(cancelled.code).toBe('cancelled');
    expect(cancelled.fromUser).toBe(alice.user.username);
    closeAll(alice, bob);
  });

  it('times out: no_answer to the caller, missed to the callee', async () => {
    await pair();
    const callId = await ring(alice, bob);
    const noAnswer = await alice.ws.next('call_back', 2000);
    expect(noAnswer.code).toBe('no_answer');
    expect(noAnswer.fromUser).toBe('system');
    expect(noAnswer.msg).toMatch(/did not answer/);
    const missed = await bob.ws.next('hangup');
    expect(missed.code).toBe('missed');
    await app.app.get(CallHistoryService).flush();
    const response = await fetch(`${app.baseUrl}/calls?limit=5`, {
      headers: { authorization: `Bearer ${bob.user.token}` },
    });
    const calls = (await response.json()) as CallHistoryEntryDto[];
    expect({
      id: calls[0].callId,
      direction: calls[0].direction,
      missed: calls[0].missed,
    }).toStrictEqual({ id: callId, direction: 'incoming', missed: true });
    expect(calls[0].endCode).toBe('no_answer');
    closeAll(alice, bob);
  });

  it("lists calls with the other party's display name", async () => {
    const caller = await party(app.baseUrl, 'alice');
    const builder = await createUser(app.baseUrl, 'bob', 'Bob Builder');
    caller.ws.send({ type: 'call_start', toUser: builder.username });
    expect((await caller.ws.next('call_back')).code).toBe('offline');
    await app.app.get(CallHistoryService).flush();
    for (const [user, peerDisplayName] of [
      [caller.user, 'Bob Builder'],
      [builder, caller.user.username], // registered without one: the username
    ] as const) {
      const response = await fetch(`${app.baseUrl}/calls`, {
        headers: { authorization: `Bearer ${user.token}` },
      });
      const [entry] = (await response.json()) as RecentCallDto[];
      expect(entry.peerDisplayName).toBe(peerDisplayName);
    }
    closeAll(caller);
  });

  it('tells the peer when a bound session disconnects mid-call', async () => {
    await pair();
    await connectCall(alice, bob);
    bob.ws.socket.terminate();
    const gone = await alice.ws.next('hangup');
    expect(gone.code).toBe('disconnected');
    closeAll(alice);
  });

  it('answers a second caller with busy, and the ongoing call is untouched', async () => {
    await pair();
    const carol = await party(app.baseUrl, 'carol');
    await connectCall(alice, bob);
    carol.ws.send({ type: 'call_start', toUser: bob.user.username });
    const busy = await carol.ws.next('call_back');
    expect(busy.code).toBe('busy');
    expect(busy.fromUser).toBe('system');
    await bob.ws.expectSilence();
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'still here' });
    expect((await bob.ws.next('offer')).sdp).toBe('still here');
    // A caller already in a call cannot start another.
    alice.ws.send({ type: 'call_start', toUser: carol.user.username });
    expect((await alice.ws.next('error')).code).toBe('already_in_call');
    closeAll(alice, bob, carol);
  });

  it('resolves glare into exactly one call', async () => {
    await pair();
    alice.ws.send({ type: 'call_start', toUser: bob.user.username });
    bob.ws.send({ type: 'call_start', toUser: alice.user.username });
    const ringing = await alice.ws.next('ringing');
    expect((await bob.ws.next('call_start')).callId).toBe(ringing.callId);
    const glare = await bob.ws.next('call_back');
    expect(glare.code).toBe('glare');
    expect(glare.callId).toBe(ringing.callId);
    await alice.ws.expectSilence();
    bob.ws.send({ type: 'call_back', toUser: alice.user.username, msg: '1' });
    expect((await alice.ws.next('call_back')).msg).toBe('1');
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
      expect(reply.code).toBe(code);
      expect(reply.fromUser).toBe('system');
      assert.ok(reply.msg.length > 10 && reply.msg !== '0' && reply.msg !== '1');
    }
    closeAll(alice);
  });

  it("makes the directory show a contact's presence, and nobody else's", async () => {
    const watcher = await createUser(app.baseUrl, 'dirw');
    const stranger = await createUser(app.baseUrl, 'dirs');
    const carol = await watchedParty(app.baseUrl, watcher, 'dirc');
    const entry = async (viewer: TestUser): Promise<DirectoryEntryDto> => {
      const response = await fetch(`${app.baseUrl}/users?search=${carol.user.username}`, {
        headers: { authorization: `Bearer ${viewer.token}` },
      });
      const entries = (await response.json()) as DirectoryEntryDto[];
      expect(entries).toHaveLength(1);
      return entries[0];
    };
    const name = { username: carol.user.username, displayName: carol.user.username };
    expect(await entry(watcher)).toStrictEqual({ ...name, contact: true, online: true });
    // To a stranger the answer is the same whether carol is online or not: no `online` at all.
    expect(await entry(stranger)).toStrictEqual({ ...name, contact: false });
    carol.ws.close();
    await carol.ws.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await entry(watcher)).toStrictEqual({ ...name, contact: true, online: false });
    expect(await entry(stranger)).toStrictEqual({ ...name, contact: false });
  });

  it('puts contacts first, even past the limit, and online strangers get no place ahead', async () => {
    // "dirza…" (online) and "dirzb…" sort before the contact "dirzc…".
    const viewer = await createUser(app.baseUrl, 'dirv');
    const onlineStranger = await createUser(app.baseUrl, 'dirza');
    await createUser(app.baseUrl, 'dirzb');
    const contact = await createUser(app.baseUrl, 'dirzc');
    await makeContacts(app.baseUrl, viewer, contact);
    const socket = await SignalingClient.connect(app.baseUrl, onlineStranger.token);
    const search = async (limit: number) => {
      const response = await fetch(`${app.baseUrl}/users?search=dirz&limit=${limit}`, {
        headers: { authorization: `Bearer ${viewer.token}` },
      });
      return (await response.json()) as DirectoryEntryDto[];
    };
    expect(await search(1)).toStrictEqual([
      { username: contact.username, displayName: contact.username, contact: true, online: false },
    ]);
    expect((await search(3)).map((e) => [e.username.slice(0, 5), e.online])).toStrictEqual([
      ['dirzc', false],
      ['dirza', undefined],
      ['dirzb', undefined],
    ]);
    socket.close();
  });
});
