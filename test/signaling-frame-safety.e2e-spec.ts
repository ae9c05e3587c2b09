import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { MAX_FRAME_BYTES } from '../src/signaling/protocol.js';
import { closeAll, connectCall, party, type Party } from './support/call-fixtures.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';

/** `[[[…]]]` nested `depth` deep: tiny on the wire, deadly for any recursive walk. */
function nested(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** A reply must say what is wrong, never repeat what was sent: short, whatever the frame. */
const MAX_REPLY_CHARS = 300;

describe('signaling: no frame can crash the server (node dist/main.js)', () => {
  let server: ServerProcess;

  // One server per test, so that each attack is shown to be harmless on its own.
  beforeEach(async () => {
    server = await startServerProcess({
      AUTH_RATE_PER_ADDRESS: '100000',
      WS_UPGRADES_PER_ADDRESS: '1000000',
    });
  });
  afterEach(() => server.stop());

  /** What `pending` resolves to, or a failure that shows the server's last words if it died first. */
  function unlessCrashed<T>(pending: Promise<T>): Promise<T> {
    const crashed = server.exited.then(({ code, signal }) =>
      assert.fail(`the server exited (${code ?? signal}):\n${server.output().slice(-1500)}`),
    );
    return Promise.race([pending, crashed]);
  }

  /** The process is up, and a call between two fresh users still sets up and relays. */
  async function expectServerWorks(): Promise<void> {
    assert.ok(server.alive(), `the server exited:\n${server.output()}`);
    const alice = await party(server.baseUrl, 'ctl');
    const bob = await party(server.baseUrl, 'ctlb');
    await connectCall(alice, bob);
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'v=0' });
    expect((await bob.ws.next('offer')).sdp).toBe('v=0');
    closeAll(alice, bob);
  }

  it(`answers {"type":[[[…]]]} nested 32,000 deep (under ${MAX_FRAME_BYTES} bytes) with bad_request`, async () => {
    const attacker = await party(server.baseUrl, 'deep');
    const frame = `{"type":${nested(32_000)}}`;
    assert.ok(Buffer.byteLength(frame) < MAX_FRAME_BYTES);
    attacker.ws.sendRaw(frame);
    const error = await unlessCrashed(attacker.ws.next('error'));
    expect(error.code).toBe('bad_request');
    expect(error.msg).toMatch(/type must be one of/);
    expect(JSON.stringify(error).length).toBeLessThan(MAX_REPLY_CHARS);
    // The socket stays open for the next, valid, frame.
    attacker.ws.send({ type: 'call_start', toUser: attacker.user.username });
    expect((await attacker.ws.next('call_back')).code).toBe('self');
    attacker.ws.close();
    await expectServerWorks();
  });

  it('refuses a deeply nested iceCandidate inside a call, and the call carries on', async () => {
    const alice = await party(server.baseUrl, 'icea');
    const bob = await party(server.baseUrl, 'iceb');
    await connectCall(alice, bob);
    const deep = nested(30_000);
    for (const iceCandidate of [
      `{"candidate":${deep}}`,
      `{"sdpMid":${deep}}`,
      `{"sdpMLineIndex":${deep}}`,
      `{"usernameFragment":${deep}}`,
      deep,
    ]) {
      alice.ws.sendRaw(
        `{"type":"_ice","toUser":"${bob.user.username}","iceCandidate":${iceCandidate}}`,
      );
      const error = await unlessCrashed(alice.ws.next('error'));
      expect(error.code).toBe('bad_request');
      expect(error.msg).toMatch(/iceCandidate/);
      expect(JSON.stringify(error).length).toBeLessThan(MAX_REPLY_CHARS);
    }
    await bob.ws.expectSilence();
    // A field nobody knows is dropped, not walked: the candidate is rebuilt from the known ones.
    alice.ws.sendRaw(
      `{"type":"_ice","toUser":"${bob.user.username}","iceCandidate":{"candidate":"candidate:1 1 udp 1 192.0.2.1 9 typ host","sdpMLineIndex":0,"extra":${deep}}}`,
    );
    expect((await bob.ws.next('_ice')).iceCandidate).toStrictEqual({
      candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host',
      sdpMLineIndex: 0,
    });
    bob.ws.send({ type: 'answer', toUser: alice.user.username, sdp: 'v=0 answer' });
    expect((await alice.ws.next('answer')).sdp).toBe('v=0 answer');
    closeAll(alice, bob);
    await expectServerWorks();
  });

  it('refuses an sdp longer than the limit without echoing it', async () => {
    const alice: Party = await party(server.baseUrl, 'sdpa');
    const bob: Party = await party(server.baseUrl, 'sdpb');
    await connectCall(alice, bob);
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'a'.repeat(40_000) });
    const error = await alice.ws.next('error');
    expect(error.code).toBe('bad_request');
    expect(error.msg).toMatch(/sdp must be a string of at most/);
    expect(JSON.stringify(error).length).toBeLessThan(MAX_REPLY_CHARS);
    await bob.ws.expectSilence();
    closeAll(alice, bob);
  });
});
