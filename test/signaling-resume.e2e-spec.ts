// Protocol 2, session resume: every rule of docs/protocol.md "Version 2", with real `ws` clients
// against a real listening server.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { CallHistoryService } from '../src/calls/call-history.service.js';
import type { CallHistoryEntryDto } from '../src/calls/dto/call-history.dto.js';
import { CloseCode, type ServerFrame } from '../src/signaling/protocol.js';
import { SessionRegistry } from '../src/signaling/session-registry.js';
import { closeAll, connectCall, party, ring } from './support/call-fixtures.js';
import { isOnline, makeContacts } from './support/contacts.js';
import { call } from './support/http.js';
import {
  connectV2,
  openV2,
  partyV2,
  resumeV2,
  tryResume,
  type V2Party,
  welcomeV2,
} from './support/resume-fixtures.js';
import type { SignalingClient } from './support/signaling-client.js';
import { createUser, startTestApp, type TestApp } from './support/test-app.js';

const WINDOW_MS = 1500;
const BUFFER_MESSAGES = 40;

/** Cuts the party's socket from the server's side, as a dead network would (no close frame). */
async function cut(app: TestApp, p: V2Party): Promise<void> {
  const session = app.app.get(SessionRegistry).get(p.sessionId);
  assert.ok(session, `no session ${p.sessionId}`);
  session.socket.terminate();
  expect((await p.ws.closed).code).toBe(1006);
}

/** Every message still queued on `ws`, after waiting a little for stragglers. */
async function drain(ws: SignalingClient, waitMs = 150): Promise<ServerFrame[]> {
  await sleep(waitMs);
  const frames: ServerFrame[] = [];
  for (;;) {
    try {
      frames.push(await ws.receive(1));
    } catch {
      return frames;
    }
  }
}

async function historyOf(app: TestApp, p: V2Party): Promise<CallHistoryEntryDto[]> {
  await app.app.get(CallHistoryService).flush();
  return (await call(app.baseUrl, 'GET', '/calls', { token: p.user.token })).json<
    CallHistoryEntryDto[]
  >();
}

/** The next message other than a `pong` (the test keeps a socket alive with pings). */
async function nextBesidesPongs(ws: SignalingClient, timeoutMs: number): Promise<ServerFrame> {
  for (;;) {
    const message = await ws.receive(timeoutMs);
    if (message.type !== 'pong') {
      return message;
    }
  }
}

/** A v2 party whose presence `watcher` can see: a contact of theirs that never connects. */
async function watchedPartyV2(app: TestApp, prefix: string) {
  const user = await createUser(app.baseUrl, prefix);
  const watcher = await createUser(app.baseUrl, `${prefix}w`);
  await makeContacts(app.baseUrl, watcher, user); // before connecting: no contact events to read
  return { watcher, party: await connectV2(app.baseUrl, user) };
}

describe('signaling protocol 2: session resume', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      RESUME_WINDOW_MS: String(WINDOW_MS),
      RESUME_BUFFER_MESSAGES: String(BUFFER_MESSAGES),
      RESUME_MAX_FAILURES: '3',
    });
  });
  afterAll(() => app.close());

  describe('opting in', () => {
    it('selects dialtone.v2; the client speaks first; welcome carries the resume fields and seq 1', async () => {
      const user = await createUser(app.baseUrl, 'opt');
      const ws = await openV2(app.baseUrl, user.token);
      await ws.expectSilence(200); // no welcome until the client's first frame
      ws.send({ type: 'ping' });
      const welcome = await welcomeV2(ws);
      expect(welcome).toStrictEqual({
        type: 'welcome',
        protocol: 2,
        sessionId: welcome.sessionId,
        user: { username: user.username, displayName: user.username },
        resumeToken: welcome.resumeToken,
        resumeWindowMs: WINDOW_MS,
        seq: 1,
      });
      // Control frames are about the socket: no seq.
      expect(await ws.next('pong')).toStrictEqual({ type: 'pong' });
      ws.send({ type: 'ping' });
      expect(await ws.next('pong')).toStrictEqual({ type: 'pong' });
      ws.close();
    });

    it('a first frame that is not a resume opens a session and is handled as usual', async () => {
      const alice = await createUser(app.baseUrl, 'first');
      const ws = await openV2(app.baseUrl, alice.token);
      ws.send({ type: 'call_start', toUser: alice.username });
      await welcomeV2(ws);
      const self = await ws.next('call_back');
      expect([self.code, self.seq]).toStrictEqual(['self', 2]);
      ws.close();
    });

    it('a bad first resume frame opens a session and is answered bad_request', async () => {
      const user = await createUser(app.baseUrl, 'badres');
      const ws = await openV2(app.baseUrl, user.token);
      ws.send({ type: 'resume', sessionId: 'x', resumeToken: 't', lastSeq: -1 });
      await welcomeV2(ws);
      const refused = await ws.next('error');
      expect([refused.code, refused.msg]).toStrictEqual([
        'bad_request',
        'Bad message: lastSeq must be a whole number, 0 or more.',
      ]);
      ws.send({ type: 'resume', sessionId: 'x', resumeToken: 't', lastSeq: 0 });
      expect((await ws.next('error')).msg).toBe(
        'Bad message: resume must be the first message on a new socket.',
      );
      ws.close();
    });

    it('protocol 1 is unchanged: no seq, no resume fields, ping and resume are unknown types', async () => {
      const v1 = await party(app.baseUrl, 'v1');
      v1.ws.send({ type: 'ping' });
      const error = await v1.ws.next('error');
      expect(error).toStrictEqual({
        type: 'error',
        fromUser: 'system',
        toUser: v1.user.username,
        code: 'bad_request',
        msg: error.msg,
      });
      expect(error.msg).toMatch(/^Bad message: type must be one of /);
      v1.ws.send({ type: 'resume', sessionId: 'x', resumeToken: 'y', lastSeq: 0 });
      expect((await v1.ws.next('error')).code).toBe('bad_request');
      v1.ws.close();
    });

    it('a protocol 1 peer of a dropped protocol 1 client still hears "disconnected" at once', async () => {
      const alice = await party(app.baseUrl, 'alice');
      const bob = await party(app.baseUrl, 'bob');
      await connectCall(alice, bob);
      bob.ws.socket.terminate();
      const hangup = await alice.ws.next('hangup', 1000);
      expect(hangup.code).toBe('disconnected');
      expect('seq' in hangup).toBe(false);
      alice.ws.close();
    });
  });

  describe('resume', () => {
    it('keeps a call through a drop: peer_status, buffered relays replayed once and in order, a new token', async () => {
      const { party: alice, watcher } = await watchedPartyV2(app, 'alice');
      const bob = await partyV2(app.baseUrl, 'bob');
      const callId = await connectCall(alice, bob);
      // seq is consecutive on each session: welcome 1, then every message of the call.
      expect(alice.ws.lastSeq).toBe(3); // welcome, ringing, call_back
      expect(bob.ws.lastSeq).toBe(2); // welcome, call_start

      await cut(app, alice);
      const away = await bob.ws.next('peer_status');
      expect(away).toStrictEqual({
        type: 'peer_status',
        fromUser: alice.user.username,
        toUser: bob.user.username,
        callId,
        status: 'reconnecting',
        seq: 3,
      });
      // Relays to the away session are accepted (no error) and kept.
      bob.ws.send({ type: 'answer', toUser: alice.user.username, sdp: 'v=0 a1' });
      const candidate = { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host', sdpMid: '0' };
      bob.ws.send({ type: '_ice', toUser: alice.user.username, iceCandidate: candidate });
      await bob.ws.expectSilence();
      expect(await isOnline(app.baseUrl, watcher, alice.user.username)).toBe(true);

      const oldToken = alice.resumeToken;
      const resumed = await resumeV2(app.baseUrl, alice);
      expect(resumed).toStrictEqual({
        type: 'resumed',
        sessionId: alice.sessionId,
        resumeToken: resumed.resumeToken,
        call: { callId, state: 'active', peer: bob.user.username, role: 'caller' },
      });
      expect(resumed.resumeToken).not.toBe(oldToken);
      expect(await drain(alice.ws)).toStrictEqual([
        {
          type: 'answer',
          fromUser: bob.user.username,
          toUser: alice.user.username,
          callId,
          sdp: 'v=0 a1',
          seq: 4,
        },
        {
          type: '_ice',
          fromUser: bob.user.username,
          toUser: alice.user.username,
          callId,
          iceCandidate: candidate,
          seq: 5,
        },
      ]);
      expect((await bob.ws.next('peer_status')).status).toBe('connected');

      // Live again with the same numbering, both ways.
      alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'v=0 o2' });
      expect((await bob.ws.next('offer')).seq).toBe(5);
      bob.ws.send({ type: 'answer', toUser: alice.user.username, sdp: 'v=0 a2' });
      expect((await alice.ws.next('answer')).seq).toBe(6);

      // The token it used is spent: presenting it again fails, and the session is untouched.
      const reused = await tryResume(app.baseUrl, alice, { resumeToken: oldToken });
      expect(reused.reply).toStrictEqual({ type: 'resume_failed', code: 'unknown' });
      const fresh = await welcomeV2(reused.ws);
      expect(fresh.sessionId).not.toBe(alice.sessionId);
      reused.ws.close();

      alice.ws.send({ type: 'hangup', toUser: bob.user.username });
      expect((await bob.ws.next('hangup')).code).toBe('hangup');
      closeAll(alice, bob);
    });

    it('replays exactly what came after lastSeq, even what was sent just before the drop', async () => {
      const alice = await partyV2(app.baseUrl, 'alice');
      const bob = await partyV2(app.baseUrl, 'bob');
      const callId = await connectCall(alice, bob);
      for (let n = 1; n <= 3; n += 1) {
        bob.ws.send({ type: 'answer', toUser: alice.user.username, sdp: `v=0 ${n}` });
      }
      await alice.ws.next('answer'); // seq 4 handled; 5 and 6 arrived but were not handled
      await cut(app, alice);
      await resumeV2(app.baseUrl, alice);
      const replayed = await drain(alice.ws);
      expect(replayed.map((m) => [m.type, 'seq' in m && m.seq])).toStrictEqual([
        ['answer', 5],
        ['answer', 6],
      ]);
      expect(replayed.every((m) => 'callId' in m && m.callId === callId)).toBe(true);
      closeAll(alice, bob);
    });

    it('two resumes in a row: seq never repeats and never skips', async () => {
      const alice = await partyV2(app.baseUrl, 'alice');
      const bob = await partyV2(app.baseUrl, 'bob');
      await connectCall(alice, bob);
      const seen: number[] = [1, 2, 3];
      for (let round = 0; round < 2; round += 1) {
        await cut(app, alice);
        await bob.ws.next('peer_status');
        bob.ws.send({ type: 'answer', toUser: alice.user.username, sdp: `v=0 r${round}` });
        await bob.ws.expectSilence(50);
        await resumeV2(app.baseUrl, alice);
        for (const frame of await drain(alice.ws)) {
          seen.push('seq' in frame ? (frame.seq ?? -1) : -1);
        }
        await bob.ws.next('peer_status');
        bob.ws.send({ type: 'answer', toUser: alice.user.username, sdp: `v=0 live${round}` });
        seen.push((await alice.ws.next('answer')).seq ?? -1);
      }
      expect(seen).toStrictEqual([1, 2, 3, 4, 5, 6, 7]);
      closeAll(alice, bob);
    });

    it('a resume with a lastSeq that was never sent, or a gap the buffer no longer holds, fails "expired"', async () => {
      const alice = await partyV2(app.baseUrl, 'alice');
      const bob = await partyV2(app.baseUrl, 'bob');
      await connectCall(alice, bob);
      // Past the buffer (40) while alice is still connected but handles nothing.
      for (let n = 0; n < BUFFER_MESSAGES + 5; n += 1) {
        bob.ws.send({
          type: 'media_state',
          toUser: alice.user.username,
          audio: true,
          video: n % 2 === 0,
        });
      }
      await sleep(200);
      await cut(app, alice);
      const { ws, reply } = await tryResume(app.baseUrl, alice, { lastSeq: 3 });
      expect(reply).toStrictEqual({ type: 'resume_failed', code: 'expired' });
      await welcomeV2(ws);
      ws.close();
      bob.ws.close();
    });
    it('a lastSeq above anything the session sent fails "expired" (the token was right), and the session can still be resumed', async () => {
      const alice = await partyV2(app.baseUrl, 'alice');
      await cut(app, alice);
      const sent = alice.ws.lastSeq; // the welcome and the pong
      const ahead = await tryResume(app.baseUrl, alice, { lastSeq: sent + 5 });
      expect(ahead.reply).toStrictEqual({ type: 'resume_failed', code: 'expired' });
      await welcomeV2(ahead.ws);
      ahead.ws.close();
      const resumed = await resumeV2(app.baseUrl, alice, sent);
      expect(resumed.sessionId).toBe(alice.sessionId);
      alice.ws.close();
    });
  });

  describe('refusals', () => {
    it('"unknown" for a session nobody has, "forbidden" for another account\'s; neither harms it', async () => {
      const alice = await partyV2(app.baseUrl, 'alice');
      const mallory = await createUser(app.baseUrl, 'mallory');
      const unknown = await tryResume(app.baseUrl, alice, {
        token: mallory.token,
        resumeToken: 'x',
      });
      expect(unknown.reply).toStrictEqual({ type: 'resume_failed', code: 'forbidden' });
      // Followed on the same socket by a normal welcome, as mallory.
      const welcome = await welcomeV2(unknown.ws);
      expect(welcome.user.username).toBe(mallory.username);
      unknown.ws.close();

      const nobody = await tryResume(app.baseUrl, { ...alice, sessionId: crypto.randomUUID() });
      expect(nobody.reply).toStrictEqual({ type: 'resume_failed', code: 'unknown' });
      nobody.ws.close();

      await cut(app, alice);
      await resumeV2(app.baseUrl, alice); // still resumable
      alice.ws.close();
    });

    it('throttles failed attempts per account and address: "throttled" without a look at the token', async () => {
      const alice = await partyV2(app.baseUrl, 'alice');
      const mallory = await createUser(app.baseUrl, 'mallory');
      const codes: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const attempt = await tryResume(app.baseUrl, alice, {
          token: mallory.token,
          resumeToken: alice.resumeToken,
        });
        codes.push(attempt.reply.type === 'resume_failed' ? attempt.reply.code : 'resumed');
        attempt.ws.close();
      }
      expect(codes).toStrictEqual(['forbidden', 'forbidden', 'forbidden', 'throttled']);
      // alice herself is another account: not throttled.
      await cut(app, alice);
      await resumeV2(app.baseUrl, alice);
      alice.ws.close();
    });
  });

  describe('takeover', () => {
    it('a resume while the old socket still looks open closes it with 4002; its late close ends nothing', async () => {
      const alice = await partyV2(app.baseUrl, 'alice');
      const bob = await partyV2(app.baseUrl, 'bob');
      const callId = await connectCall(alice, bob);
      const old = alice.ws;
      const resumed = await resumeV2(app.baseUrl, alice);
      expect(resumed.call).toStrictEqual({
        callId,
        state: 'active',
        peer: bob.user.username,
        role: 'caller',
      });
      const closed = await old.closed;
      expect(closed).toStrictEqual({
        code: CloseCode.SESSION_TAKEN_OVER,
        reason: 'Session resumed on another connection',
      });
      // Nothing for bob: from the server's side alice never went away.
      await bob.ws.expectSilence(300);
      bob.ws.send({ type: 'answer', toUser: alice.user.username, sdp: 'v=0 after' });
      expect((await alice.ws.next('answer')).sdp).toBe('v=0 after');
      expect(await drain(old, 0)).toStrictEqual([]);
      closeAll(alice, bob);
    });
  });

  describe('a session the server is closing', () => {
    it('while a client that stopped reading holds up its close, it is offline, not rung and not resumed ("expired"); the new session is the one rung', async () => {
      const { party: alice, watcher } = await watchedPartyV2(app, 'alice');
      const bob = await partyV2(app.baseUrl, 'bob');
      const old = alice.ws;
      // The old client stops reading: the server's close frame (4001) is never answered.
      (old.socket as unknown as { _socket: Socket })._socket.pause();
      const out = await call(app.baseUrl, 'POST', '/auth/logout', { token: alice.user.token });
      expect(out.status).toBe(204);
      await sleep(100);
      expect(old.socket.readyState).toBe(WebSocket.OPEN); // its close is still pending
      expect(await isOnline(app.baseUrl, watcher, alice.user.username)).toBe(false);
      bob.ws.send({ type: 'call_start', toUser: alice.user.username });
      expect(await bob.ws.next('call_back')).toMatchObject({ code: 'offline' });
      const again = await call(app.baseUrl, 'POST', '/auth/login', {
        json: { username: alice.user.username, password: alice.user.password },
      });
      const token = again.json<{ accessToken: string }>().accessToken;
      const attempt = await tryResume(app.baseUrl, alice, { token });
      expect(attempt.reply).toStrictEqual({ type: 'resume_failed', code: 'expired' });
      const fresh = await welcomeV2(attempt.ws);
      expect(fresh.sessionId).not.toBe(alice.sessionId);
      // The live session answers, and a call reaches it.
      attempt.ws.send({ type: 'ping' });
      await attempt.ws.next('pong');
      bob.ws.send({ type: 'call_start', toUser: alice.user.username, msg: '1' });
      expect(await attempt.ws.next('call_start')).toMatchObject({ fromUser: bob.user.username });
      old.socket.terminate();
      attempt.ws.close();
      bob.ws.close();
    });
    it('a session away in its window during a logout or a password change ends: offline, and "expired" on resume', async () => {
      const { party: alice, watcher } = await watchedPartyV2(app, 'alice');
      const carol = await partyV2(app.baseUrl, 'carol');
      await cut(app, alice);
      await cut(app, carol);
      expect(await isOnline(app.baseUrl, watcher, alice.user.username)).toBe(true);
      const out = await call(app.baseUrl, 'POST', '/auth/logout', { token: alice.user.token });
      expect(out.status).toBe(204);
      const changed = await call(app.baseUrl, 'POST', '/users/me/password', {
        token: carol.user.token,
        json: { currentPassword: carol.user.password, newPassword: 'a quite different phrase 61' },
      });
      expect(changed.status).toBe(200);
      await sleep(50);
      expect(await isOnline(app.baseUrl, watcher, alice.user.username)).toBe(false);
      const again = await call(app.baseUrl, 'POST', '/auth/login', {
        json: { username: alice.user.username, password: alice.user.password },
      });
      for (const [party, token] of [
        [alice, again.json<{ accessToken: string }>().accessToken],
        [carol, changed.json<{ accessToken: string }>().accessToken],
      ] as const) {
        const attempt = await tryResume(app.baseUrl, party, { token });
        expect(attempt.reply).toStrictEqual({ type: 'resume_failed', code: 'expired' });
        attempt.ws.close();
      }
    });
  });

  describe('the window', () => {
    it('when it runs out, the peer hears "disconnected" once, history says so once, a late resume is "expired"', async () => {
      const { party: alice, watcher } = await watchedPartyV2(app, 'alice');
      const bob = await partyV2(app.baseUrl, 'bob');
      const callId = await connectCall(alice, bob);
      const droppedAt = Date.now();
      await cut(app, alice);
      expect((await bob.ws.next('peer_status')).status).toBe('reconnecting');
      const hangup = await bob.ws.next('hangup', WINDOW_MS + 1000);
      const waited = Date.now() - droppedAt;
      assert.ok(waited >= WINDOW_MS - 50, `hung up after ${waited} ms`);
      expect([hangup.code, hangup.callId]).toStrictEqual(['disconnected', callId]);
      await bob.ws.expectSilence();
      expect(await isOnline(app.baseUrl, watcher, alice.user.username)).toBe(false);
      const entries = (await historyOf(app, bob)).filter((e) => e.callId === callId);
      expect(entries.map((e) => e.endCode)).toStrictEqual(['disconnected']);

      const late = await tryResume(app.baseUrl, alice);
      expect(late.reply).toStrictEqual({ type: 'resume_failed', code: 'expired' });
      const welcome = await welcomeV2(late.ws);
      expect(welcome.sessionId).not.toBe(alice.sessionId);
      closeAll(bob);
      late.ws.close();
    });

    it('a deliberate close (1000) ends the session at once, with no window', async () => {
      const alice = await partyV2(app.baseUrl, 'alice');
      const bob = await partyV2(app.baseUrl, 'bob');
      await connectCall(alice, bob);
      const closedAt = Date.now();
      alice.ws.socket.close(1000, 'bye');
      expect((await bob.ws.next('hangup', 500)).code).toBe('disconnected');
      assert.ok(Date.now() - closedAt < WINDOW_MS / 2);
      const late = await tryResume(app.baseUrl, alice);
      expect(late.reply).toStrictEqual({ type: 'resume_failed', code: 'expired' });
      closeAll(bob);
      late.ws.close();
    });

    it('a call_start to a user whose only session is away rings when they resume', async () => {
      const alice = await partyV2(app.baseUrl, 'alice');
      const bob = await partyV2(app.baseUrl, 'bob');
      await cut(app, bob);
      alice.ws.send({ type: 'call_start', toUser: bob.user.username });
      const ringing = await alice.ws.next('ringing');
      const resumed = await resumeV2(app.baseUrl, bob);
      expect(resumed.call).toStrictEqual({
        callId: ringing.callId,
        state: 'ringing',
        peer: alice.user.username,
        role: 'callee',
      });
      const incoming = await bob.ws.next('call_start');
      expect([incoming.callId, incoming.fromUser]).toStrictEqual([
        ringing.callId,
        alice.user.username,
      ]);
      bob.ws.send({ type: 'call_back', toUser: alice.user.username, msg: '1' });
      expect((await alice.ws.next('call_back')).msg).toBe('1');
      closeAll(alice, bob);
    });

    it('… or is answered "offline" when the window ends', async () => {
      const alice = await partyV2(app.baseUrl, 'alice');
      const bob = await partyV2(app.baseUrl, 'bob');
      await cut(app, bob);
      alice.ws.send({ type: 'call_start', toUser: bob.user.username });
      await alice.ws.next('ringing');
      const offline = await alice.ws.next('call_back', WINDOW_MS + 1000);
      expect(offline.code).toBe('offline');
      alice.ws.close();
    });

    it('an away user is still busy for others; an away caller keeps ringing the callee', async () => {
      const alice = await partyV2(app.baseUrl, 'alice');
      const bob = await partyV2(app.baseUrl, 'bob');
      const carol = await partyV2(app.baseUrl, 'carol');
      const callId = await ring(alice, bob);
      await cut(app, alice);
      carol.ws.send({ type: 'call_start', toUser: alice.user.username });
      expect((await carol.ws.next('call_back')).code).toBe('busy');
      await bob.ws.expectSilence(300); // still ringing: no hangup
      bob.ws.send({ type: 'call_back', toUser: alice.user.username, msg: '1' });
      expect(await bob.ws.next('peer_status')).toMatchObject({ callId, status: 'reconnecting' });
      const resumed = await resumeV2(app.baseUrl, alice);
      expect(resumed.call).toMatchObject({ callId, state: 'active', role: 'caller' });
      expect((await alice.ws.next('call_back')).msg).toBe('1');
      expect((await bob.ws.next('peer_status')).status).toBe('connected');
      closeAll(alice, bob, carol);
    });

    it('more than the buffer holds while away ends the session as "disconnected"', async () => {
      const alice = await partyV2(app.baseUrl, 'alice');
      const bob = await partyV2(app.baseUrl, 'bob');
      const callId = await connectCall(alice, bob);
      await cut(app, alice);
      await bob.ws.next('peer_status');
      for (let n = 0; n < BUFFER_MESSAGES; n += 1) {
        bob.ws.send({ type: 'media_state', toUser: alice.user.username, audio: true, video: true });
      }
      await bob.ws.expectSilence(200); // 40 kept: still fine
      bob.ws.send({ type: 'media_state', toUser: alice.user.username, audio: true, video: true });
      const hangup = await bob.ws.next('hangup', 1000);
      expect([hangup.code, hangup.callId]).toStrictEqual(['disconnected', callId]);
      const late = await tryResume(app.baseUrl, alice);
      expect(late.reply).toStrictEqual({ type: 'resume_failed', code: 'expired' });
      closeAll(bob);
      late.ws.close();
    });

    it('a resume racing the end of the window either wins completely or loses completely', async () => {
      const outcomes = new Set<string>();
      for (const offset of [-120, -60, -20, 0, 20, 60]) {
        const alice = await partyV2(app.baseUrl, 'alice');
        const bob = await partyV2(app.baseUrl, 'bob');
        await connectCall(alice, bob);
        const droppedAt = Date.now();
        await cut(app, alice);
        await sleep(Math.max(0, droppedAt + WINDOW_MS + offset - Date.now()));
        const { ws, reply } = await tryResume(app.baseUrl, alice);
        const bobHeard = (await drain(bob.ws, 300)).map((m) =>
          m.type === 'hangup' ? `hangup:${m.code}` : m.type === 'peer_status' ? m.status : m.type,
        );
        if (reply.type === 'resumed') {
          // Won: the call goes on, and bob never heard a hangup.
          expect(bobHeard).toStrictEqual(['reconnecting', 'connected']);
          bob.ws.send({ type: 'answer', toUser: alice.user.username, sdp: 'v=0' });
          expect((await ws.next('answer')).sdp).toBe('v=0');
          outcomes.add('resumed');
        } else {
          // Lost: exactly one hangup for bob, and a fresh session for alice.
          expect(reply).toStrictEqual({ type: 'resume_failed', code: 'expired' });
          expect(bobHeard).toStrictEqual(['reconnecting', 'hangup:disconnected']);
          expect((await welcomeV2(ws)).sessionId).not.toBe(alice.sessionId);
          outcomes.add('expired');
        }
        ws.close();
        bob.ws.close();
      }
      expect(outcomes.size).toBeGreaterThan(0);
    });
  });

  describe('liveness', () => {
    let quiet: TestApp;

    beforeAll(async () => {
      quiet = await startTestApp({ WS_SILENCE_TIMEOUT_MS: '400', RESUME_WINDOW_MS: '5000' });
    });
    afterAll(() => quiet.close());

    it('a v2 socket silent past WS_SILENCE_TIMEOUT_MS is dropped into its window; pings keep one alive', async () => {
      const alice = await partyV2(quiet.baseUrl, 'alice');
      const bob = await partyV2(quiet.baseUrl, 'bob');
      const keepAlive = setInterval(() => bob.ws.send({ type: 'ping' }), 100);
      try {
        await connectCall(alice, bob);
        const closed = await alice.ws.closed; // alice sends nothing
        expect(closed.code).toBe(1006);
        expect(await nextBesidesPongs(bob.ws, 1000)).toMatchObject({ status: 'reconnecting' });
        await resumeV2(quiet.baseUrl, alice);
        expect(await nextBesidesPongs(bob.ws, 1000)).toMatchObject({ status: 'connected' });
        expect(bob.ws.socket.readyState).toBe(bob.ws.socket.OPEN);
      } finally {
        clearInterval(keepAlive);
        closeAll(alice, bob);
      }
    });

    it('a v2 socket that never sends its first frame is closed too', async () => {
      const user = await createUser(quiet.baseUrl, 'mute');
      const ws = await openV2(quiet.baseUrl, user.token);
      expect((await ws.closed).code).toBe(1006);
    });

    it('protocol 1 sockets are not subject to it', async () => {
      const v1 = await party(quiet.baseUrl, 'v1');
      await v1.ws.expectSilence(700);
      expect(v1.ws.socket.readyState).toBe(v1.ws.socket.OPEN);
      v1.ws.close();
    });
  });

  it('connectV2 helper stays in step with the server (sanity)', async () => {
    const user = await createUser(app.baseUrl, 'sane');
    const p = await connectV2(app.baseUrl, user);
    expect(p.ws.lastSeq).toBe(1);
    p.ws.close();
  });
});
