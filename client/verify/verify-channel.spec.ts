// Commit, then reveal (issue 23), between two exchanges over an in-memory channel pair, and
// against a scripted peer that breaks the rules.
import { describe, expect, it } from '@jest/globals';
import { commitTo, newNonce, toHex } from './sas.js';
import {
  type CallCode,
  parseVerifyMessage,
  VerifyExchange,
  type VerifyExchangeEvents,
  type VerifyFailure,
} from './verify-channel.js';

/** One end of an ordered, reliable channel: what it sends arrives at `peer` a moment later. */
class FakeChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting';
  peer: FakeChannel | undefined;
  readonly sent: string[] = [];

  send(data: string): void {
    this.sent.push(data);
    const peer = this.peer;
    setTimeout(() => peer?.dispatchEvent(new MessageEvent('message', { data })), 0);
  }

  open(): void {
    this.readyState = 'open';
    this.dispatchEvent(new Event('open'));
  }

  get types(): string[] {
    return this.sent.map((data) => (JSON.parse(data) as { type: string }).type);
  }
}

function channelPair(): [FakeChannel, FakeChannel] {
  const a = new FakeChannel();
  const b = new FakeChannel();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

type Outcome = { code: CallCode } | { failed: VerifyFailure };

/** An exchange whose first outcome (a code or a failure) the returned promise resolves to. */
function exchange(
  channel: FakeChannel,
  own: Uint8Array,
  peers: Uint8Array[],
  events: Partial<VerifyExchangeEvents> = {},
): { exchange: VerifyExchange; outcome: Promise<Outcome> } {
  let settle: (outcome: Outcome) => void = () => {};
  const outcome = new Promise<Outcome>((resolve) => (settle = resolve));
  const instance = new VerifyExchange(
    {
      channel: channel as unknown as RTCDataChannel,
      callId: 'call-1',
      ownFingerprint: own,
      peerFingerprints: () => Promise.resolve(peers),
    },
    {
      code: (code) => settle({ code }),
      failed: (failed) => settle({ failed }),
      peerSaidMismatch: () => {},
      ...events,
    },
  );
  return { exchange: instance, outcome };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Waits (WebCrypto answers asynchronously, later under load) until `done` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 5) {
    if (waited > 5000) {
      throw new Error('still waiting after 5 s');
    }
    await tick();
  }
}
const fingerprintA = new Uint8Array(32).fill(0xa);
const fingerprintB = new Uint8Array(32).fill(0xb);

describe('the verification exchange', () => {
  it('gives both sides of an honest call the same code, from what each received', async () => {
    const [a, b] = channelPair();
    const alice = exchange(a, fingerprintA, [fingerprintB]);
    const bob = exchange(b, fingerprintB, [fingerprintA]);
    a.open();
    b.open();
    const [fromAlice, fromBob] = await Promise.all([alice.outcome, bob.outcome]);
    if (!('code' in fromAlice) || !('code' in fromBob)) {
      throw new Error(`no code: ${JSON.stringify([fromAlice, fromBob])}`);
    }
    expect(fromAlice.code.sas.indices).toStrictEqual(fromBob.code.sas.indices);
    expect(fromAlice.code.peerFingerprint).toStrictEqual(fingerprintB);
    expect([a.types, b.types]).toStrictEqual([
      ['commit', 'reveal'],
      ['commit', 'reveal'],
    ]);
  });

  it('reveals its nonce only after the peer committed', async () => {
    const [a, peer] = channelPair();
    exchange(a, fingerprintA, [fingerprintB]);
    a.open();
    await until(() => a.sent.length > 0);
    await tick();
    expect(a.types).toStrictEqual(['commit']);
    peer.send(JSON.stringify({ type: 'commit', commitment: toHex(await commitTo(newNonce())) }));
    await until(() => a.sent.length > 1);
    expect(a.types).toStrictEqual(['commit', 'reveal']);
  });

  it('rejects a reveal that does not match the commitment', async () => {
    const [a, peer] = channelPair();
    const { outcome } = exchange(a, fingerprintA, [fingerprintB]);
    a.open();
    peer.send(JSON.stringify({ type: 'commit', commitment: toHex(await commitTo(newNonce())) }));
    peer.send(JSON.stringify({ type: 'reveal', nonce: toHex(newNonce()) }));
    expect(await outcome).toStrictEqual({ failed: 'commitment' });
  });

  it('rejects a reveal before any commitment, a second commitment, and garbage', async () => {
    const commit = async () =>
      JSON.stringify({ type: 'commit', commitment: toHex(await commitTo(newNonce())) });
    const cases: string[][] = [
      [JSON.stringify({ type: 'reveal', nonce: toHex(newNonce()) })],
      [await commit(), await commit()],
      ['{"type":"commit","commitment":"xyz"}'],
    ];
    for (const frames of cases) {
      const [a, peer] = channelPair();
      const { outcome } = exchange(a, fingerprintA, [fingerprintB]);
      a.open();
      frames.forEach((frame) => peer.send(frame));
      expect(await outcome).toStrictEqual({ failed: 'protocol' });
    }
  });

  it('refuses a call whose transports end at different certificates', async () => {
    const [a, b] = channelPair();
    const alice = exchange(a, fingerprintA, [fingerprintB, new Uint8Array(32).fill(0xc)]);
    exchange(b, fingerprintB, [fingerprintA]);
    a.open();
    b.open();
    expect(await alice.outcome).toStrictEqual({ failed: 'transport' });
  });

  it('passes on that the person on the other side said the codes differ', async () => {
    const [a, b] = channelPair();
    let heard = false;
    exchange(a, fingerprintA, [fingerprintB], { peerSaidMismatch: () => (heard = true) });
    const bob = exchange(b, fingerprintB, [fingerprintA]);
    a.open();
    b.open();
    await bob.outcome;
    bob.exchange.reportMismatch();
    await until(() => heard);
    expect(b.types).toStrictEqual(['commit', 'reveal', 'mismatch']);
  });

  it('parses only the three messages it knows', () => {
    const hex = 'ab'.repeat(32);
    expect(parseVerifyMessage(`{"type":"reveal","nonce":"${hex}"}`)).toStrictEqual({
      type: 'reveal',
      nonce: hex,
    });
    expect(parseVerifyMessage('{"type":"mismatch"}')).toStrictEqual({ type: 'mismatch' });
    expect(parseVerifyMessage(`{"type":"reveal","nonce":"${hex.toUpperCase()}"}`)).toBeUndefined();
    expect(parseVerifyMessage('{"type":"hello"}')).toBeUndefined();
    expect(parseVerifyMessage('not json')).toBeUndefined();
    expect(parseVerifyMessage(new ArrayBuffer(8))).toBeUndefined();
  });
});
