import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BadFrame, parseClientMessage } from '../src/signaling/dto/parse-client-message.js';
import { MAX_FRAME_BYTES } from '../src/signaling/protocol.js';
import { closeAll, connectCall, party, type Party } from './support/call-fixtures.js';
import { frames, type GeneratedFrame } from './support/frame-arbitraries.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { SignalingClient } from './support/signaling-client.js';

/**
 * Property-based attack on a live server (node dist/main.js): generated frames of every shape,
 * from a session outside any call and from one inside a call. Reproducible: FUZZ_SEED picks the
 * frames (fixed by default); FUZZ_RUNS and FUZZ_BUDGET_MS bound each phase, for exploring locally.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_122);
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 10_000);
/** A phase that ends on its budget must still have thrown this many frames. */
const MIN_RUNS = Math.min(RUNS, 300);
const CONTROL_EVERY = 50;
const MAX_REPLY_CHARS = 300;
const MiB = 1024 * 1024;

describe('signaling fuzz: no generated frame crashes, bloats or disturbs the server', () => {
  let server: ServerProcess;
  let alice: Party;
  let bob: Party;
  let rssStart: number;
  let controlRound = 0;

  beforeAll(async () => {
    server = await startServerProcess({
      AUTH_RATE_PER_ADDRESS: '100000',
      WS_UPGRADES_PER_ADDRESS: '1000000',
      // The fuzz waits for each reply, so it never floods; the limits stay out of its way.
      WS_MESSAGE_RATE: '100000',
      WS_MESSAGE_BURST: '100000',
      CALL_STARTS_PER_CALLEE: '100000',
      CALL_STARTS_PER_CALLER: '100000',
    });
    alice = await party(server.baseUrl, 'ctl');
    bob = await party(server.baseUrl, 'ctlb');
    await connectCall(alice, bob);
    rssStart = server.rssBytes();
  }, 60_000);
  afterAll(async () => {
    closeAll(alice, bob);
    await server.stop();
  });

  /** The process is up and the control call still relays both ways. */
  async function expectControlCallWorks(): Promise<void> {
    assert.ok(server.alive(), `the server exited:\n${server.output().slice(-2000)}`);
    controlRound += 1;
    const sdp = `v=0 control ${controlRound}`;
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp });
    expect((await bob.ws.next('offer')).sdp).toBe(sdp);
    bob.ws.send({ type: 'answer', toUser: alice.user.username, sdp });
    expect((await alice.ws.next('answer')).sdp).toBe(sdp);
  }

  /** Sends one bad frame; the reply must be `error bad_request`, short, or (too big) a 1009 close. */
  async function throwFrame(attacker: Party, frame: GeneratedFrame): Promise<'replied' | 'closed'> {
    if (frame.binary) {
      attacker.ws.sendRaw(Buffer.from(frame.text), true);
    } else {
      attacker.ws.sendRaw(frame.text);
    }
    if (Buffer.byteLength(frame.text) > MAX_FRAME_BYTES) {
      expect((await attacker.ws.closed).code).toBe(1009);
      return 'closed';
    }
    const reply = await attacker.ws.receive(5000);
    assert.equal(reply.type, 'error', `expected an error reply, got ${JSON.stringify(reply)}`);
    assert.ok('code' in reply && reply.code === 'bad_request', JSON.stringify(reply));
    assert.ok(JSON.stringify(reply).length < MAX_REPLY_CHARS, 'a reply never carries the frame');
    return 'replied';
  }

  /**
   * Runs the property for one attacker (`replace` gives it a new session after a 1009 close),
   * then checks that the server's memory stayed bounded.
   */
  async function fuzz(
    attacker: () => Party,
    replace: () => Promise<void>,
    peer: string,
    oversizeAllowed: boolean,
  ): Promise<number> {
    let runs = 0;
    const property = fc.asyncProperty(frames(peer), async (frame) => {
      // Only bad frames: a valid one would change the calls this suite relies on.
      fc.pre(frame.binary || parseClientMessage(frame.text) instanceof BadFrame);
      fc.pre(oversizeAllowed || Buffer.byteLength(frame.text) <= MAX_FRAME_BYTES);
      runs += 1;
      if ((await throwFrame(attacker(), frame)) === 'closed') {
        await replace();
      }
      if (runs % CONTROL_EVERY === 0) {
        await expectControlCallWorks();
      }
    });
    const details = await fc.check(property, {
      seed: SEED,
      numRuns: RUNS,
      interruptAfterTimeLimit: BUDGET_MS,
      markInterruptAsFailure: false,
      maxSkipsPerRun: 1000,
    });
    if (details.failed) {
      throw new Error(fc.defaultReportMessage(details) ?? 'fuzz property failed');
    }
    assert.ok(runs >= MIN_RUNS, `only ${runs} frames thrown in ${BUDGET_MS} ms`);
    const grown = server.rssBytes() - rssStart;
    assert.ok(grown < 96 * MiB, `the server grew by ${(grown / MiB).toFixed(1)} MiB`);
    return runs;
  }

  it('outside any call: every bad frame gets bad_request (or 1009), the server lives on', async () => {
    let outsider = await party(server.baseUrl, 'fuzzo');
    await fuzz(
      () => outsider,
      async () => {
        outsider = {
          user: outsider.user,
          ws: await SignalingClient.connect(server.baseUrl, outsider.user.token),
        };
      },
      bob.user.username,
      true,
    );
    await expectControlCallWorks();
    outsider.ws.close();
  }, 60_000);

  it('inside a call: every bad frame gets bad_request, and that call carries on too', async () => {
    const insider = await party(server.baseUrl, 'fuzzi');
    const peer = await party(server.baseUrl, 'fuzzp');
    await connectCall(insider, peer);
    await fuzz(
      () => insider,
      () => Promise.reject(new Error('unreachable: oversized frames are not generated here')),
      peer.user.username,
      false,
    );
    await peer.ws.expectSilence(); // no bad frame was relayed
    insider.ws.send({ type: 'offer', toUser: peer.user.username, sdp: 'v=0 still here' });
    expect((await peer.ws.next('offer')).sdp).toBe('v=0 still here');
    await expectControlCallWorks();
    closeAll(insider, peer);
  }, 60_000);
});
