// The short authentication string (issue 23): the derivation docs/security.md specifies, checked
// in Node with the same WebCrypto calls the page makes.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  commitTo,
  deriveSas,
  fingerprintFromText,
  fingerprintOfDer,
  newNonce,
  revealMatches,
  sasInputBytes,
  type SasInput,
  toHex,
} from './sas.js';
import { SAS_EMOJI } from './sas-emoji.js';

/** Bytes start, start+1, … (mod 256): easy to write down in the docs. */
const run = (start: number, length = 32): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const inputs: fc.Arbitrary<SasInput> = fc.record({
  own: fc.record({ fingerprint: bytes32, nonce: bytes32 }),
  peer: fc.record({ fingerprint: bytes32, nonce: bytes32 }),
  callId: fc.string({ unit: 'binary-ascii', maxLength: 40 }),
});

const sha256Hex = async (bytes: Uint8Array): Promise<string> =>
  toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));

const code = async (input: SasInput): Promise<string> => (await deriveSas(input)).indices.join(',');

describe('the short authentication string', () => {
  it('matches the test vectors of docs/security.md', async () => {
    const vector1: SasInput = {
      own: { fingerprint: run(0), nonce: run(64) },
      peer: { fingerprint: run(32), nonce: run(96) },
      callId: '2f1c6a1e-6f8b-4c1e-9a53-0d1b5f7a9c42',
    };
    const sas1 = await deriveSas(vector1);
    expect(sas1.indices).toStrictEqual([0, 9, 53, 34]);
    expect(sas1.emoji.map(({ emoji }) => emoji).join(' ')).toBe('🐶 🐓 ✈️ 🔧');
    expect(toHex(sasInputBytes(vector1)).slice(0, 30)).toBe(
      toHex(new TextEncoder().encode('dialtone-sas-v1')),
    );
    expect(sasInputBytes(vector1).length).toBe(15 + 32 + 32 + 2 + 36 + 32 + 32);
    expect(await sha256Hex(sasInputBytes(vector1))).toBe(
      '009d62968ab01460f2371afe579994fb211bdafad276ae77a16d2baafb7e49a2',
    );

    const vector2: SasInput = {
      own: { fingerprint: new Uint8Array(32).fill(0xff), nonce: new Uint8Array(32) },
      peer: { fingerprint: new Uint8Array(32), nonce: new Uint8Array(32).fill(0xff) },
      callId: '',
    };
    expect((await deriveSas(vector2)).indices).toStrictEqual([26, 4, 56, 16]);
    expect(await sha256Hex(sasInputBytes(vector2))).toBe(
      '684e10b52e56e3ab08fba2f6cccdb92d7eb370ee01c939bd6a2816e7d9a3ab04',
    );
  });

  it('is the same whichever side computes it', async () => {
    await fc.assert(
      fc.asyncProperty(inputs, async (input) => {
        const mirrored = { ...input, own: input.peer, peer: input.own };
        expect(await code(mirrored)).toBe(await code(input));
      }),
    );
  });

  it('changes when any bit of any input is flipped', async () => {
    const fields = ['own.fingerprint', 'own.nonce', 'peer.fingerprint', 'peer.nonce', 'callId'];
    await fc.assert(
      fc.asyncProperty(
        inputs,
        fc.constantFrom(...fields),
        fc.nat({ max: 255 }),
        fc.nat({ max: 7 }),
        async (input, field, position, bit) => {
          const flipped = structuredClone(input);
          if (field === 'callId') {
            fc.pre(flipped.callId.length > 0);
            const at = position % flipped.callId.length;
            const char = String.fromCharCode(flipped.callId.charCodeAt(at) ^ (1 << (bit % 7)));
            flipped.callId = flipped.callId.slice(0, at) + char + flipped.callId.slice(at + 1);
          } else {
            const [side, part] = field.split('.') as ['own' | 'peer', 'fingerprint' | 'nonce'];
            flipped[side][part][position % 32] ^= 1 << bit;
          }
          expect(await code(flipped)).not.toBe(await code(input));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('uses each of the 64 pictures, named in both languages', () => {
    expect(SAS_EMOJI.length).toBe(64);
    expect(new Set(SAS_EMOJI.map(({ emoji }) => emoji)).size).toBe(64);
    expect(new Set(SAS_EMOJI.map(({ en }) => en)).size).toBe(64);
    expect(new Set(SAS_EMOJI.map((entry) => entry['zh-CN'])).size).toBe(64);
  });

  it('refuses fingerprints and nonces that are not 32 bytes', async () => {
    const input: SasInput = {
      own: { fingerprint: run(0, 31), nonce: run(0) },
      peer: { fingerprint: run(1), nonce: run(2) },
      callId: 'c',
    };
    await expect(deriveSas(input)).rejects.toThrow('the own fingerprint must be 32 bytes');
  });
});

describe('commit, then reveal', () => {
  it('accepts the nonce that was committed to and rejects any other', async () => {
    const nonce = newNonce();
    const commitment = await commitTo(nonce);
    expect(await revealMatches(commitment, nonce)).toBe(true);
    const other = Uint8Array.from(nonce);
    other[31] ^= 1;
    expect(await revealMatches(commitment, other)).toBe(false);
    expect(await revealMatches(commitment, newNonce())).toBe(false);
    expect(await revealMatches(commitment, nonce.slice(0, 16))).toBe(false);
    expect(await revealMatches(commitment.slice(1), nonce)).toBe(false);
  });

  it('commits to SHA-256 of the nonce', async () => {
    expect(toHex(await commitTo(new Uint8Array(32)))).toBe(
      '66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925',
    );
    expect(newNonce()).not.toStrictEqual(newNonce());
  });
});

describe('fingerprints', () => {
  it('reads the text form of getFingerprints() and SDP, and hashes DER like DTLS does', async () => {
    const text = Array.from(run(0xa0), (b) => b.toString(16).toUpperCase()).join(':');
    expect(fingerprintFromText(text)).toStrictEqual(run(0xa0));
    expect(fingerprintFromText('AB:CD')).toBeUndefined();
    expect(fingerprintFromText('ZZ'.repeat(32))).toBeUndefined();
    expect(toHex(await fingerprintOfDer(new Uint8Array(32).buffer))).toBe(
      '66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925',
    );
  });
});
