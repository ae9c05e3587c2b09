// The short authentication string of a call (issue 23), exactly as docs/security.md specifies it.
// Pure WebCrypto: the same module runs in the page and in Node's unit tests.
import { SAS_EMOJI, type SasEmoji } from './sas-emoji.js';

/** Domain separation and version: a change to anything below needs a new label. */
export const SAS_LABEL = 'dialtone-sas-v1';
/** SHA-256 fingerprints and nonces are both 32 bytes. */
export const SAS_FIELD_BYTES = 32;
/** Four pictures of 6 bits each: a man in the middle goes unnoticed with probability 2⁻²⁴. */
export const SAS_SYMBOLS = 4;
const BITS_PER_SYMBOL = 6;

/** One end of the call: the SHA-256 of its DTLS certificate (DER) and the nonce it revealed. */
export interface SasParty {
  fingerprint: Uint8Array;
  nonce: Uint8Array;
}

export interface SasInput {
  own: SasParty;
  peer: SasParty;
  /** The server's id of the call: binds the code to this call. */
  callId: string;
}

export interface ShortAuthenticationString {
  /** Indexes into SAS_EMOJI, first picture first. */
  indices: readonly number[];
  emoji: readonly SasEmoji[];
}

const encoder = new TextEncoder();

async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

/** Unsigned byte-wise order, shorter first on a common prefix (never the case: fixed lengths). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    if (a[i] !== b[i]) {
      return a[i] - b[i];
    }
  }
  return a.length - b.length;
}

function checkLength(bytes: Uint8Array, what: string): void {
  if (bytes.length !== SAS_FIELD_BYTES) {
    throw new RangeError(`${what} must be ${SAS_FIELD_BYTES} bytes, not ${bytes.length}`);
  }
}

/**
 * The bytes that are hashed: label ‖ fingerprint₁ ‖ fingerprint₂ ‖ len(callId) (2 bytes, big
 * endian) ‖ callId (UTF-8) ‖ nonce₁ ‖ nonce₂, where party 1 is the one whose fingerprint sorts
 * first (by nonce if the fingerprints are equal). Sorting makes the input, and so the code, the
 * same whichever side computes it; the length makes the encoding unambiguous.
 */
export function sasInputBytes({ own, peer, callId }: SasInput): Uint8Array {
  for (const [party, name] of [
    [own, 'own'],
    [peer, 'peer'],
  ] as const) {
    checkLength(party.fingerprint, `the ${name} fingerprint`);
    checkLength(party.nonce, `the ${name} nonce`);
  }
  const [first, second] = [own, peer].sort(
    (a, b) => compareBytes(a.fingerprint, b.fingerprint) || compareBytes(a.nonce, b.nonce),
  );
  const label = encoder.encode(SAS_LABEL);
  const id = encoder.encode(callId);
  if (id.length > 0xffff) {
    throw new RangeError('the call id is too long');
  }
  const parts = [
    label,
    first.fingerprint,
    second.fingerprint,
    Uint8Array.of(id.length >> 8, id.length & 0xff),
    id,
    first.nonce,
    second.nonce,
  ];
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/** The code: the first 24 bits of SHA-256 of sasInputBytes, as four 6-bit picture numbers. */
export async function deriveSas(input: SasInput): Promise<ShortAuthenticationString> {
  const hash = await sha256(sasInputBytes(input));
  const bits = (hash[0] << 16) | (hash[1] << 8) | hash[2];
  const indices = Array.from(
    { length: SAS_SYMBOLS },
    (_, symbol) => (bits >> ((SAS_SYMBOLS - 1 - symbol) * BITS_PER_SYMBOL)) & 0x3f,
  );
  return { indices, emoji: indices.map((index) => SAS_EMOJI[index]) };
}

/** A fresh secret nonce for one call's commit-then-reveal. */
export function newNonce(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(SAS_FIELD_BYTES));
}

/** What a side sends first: SHA-256(nonce), which binds it to the nonce without showing it. */
export function commitTo(nonce: Uint8Array): Promise<Uint8Array> {
  checkLength(nonce, 'a nonce');
  return sha256(nonce);
}

/** Whether a revealed nonce is the one the peer committed to before it saw ours. */
export async function revealMatches(commitment: Uint8Array, nonce: Uint8Array): Promise<boolean> {
  if (commitment.length !== SAS_FIELD_BYTES || nonce.length !== SAS_FIELD_BYTES) {
    return false;
  }
  return compareBytes(await sha256(nonce), commitment) === 0;
}

/** The SHA-256 fingerprint of a certificate from its DER bytes (getRemoteCertificates()). */
export function fingerprintOfDer(der: ArrayBuffer): Promise<Uint8Array> {
  return sha256(new Uint8Array(der));
}

/** Bytes of "AB:CD:…" as RTCCertificate.getFingerprints() and SDP `a=fingerprint` write them. */
export function fingerprintFromText(text: string): Uint8Array | undefined {
  const hex = text.trim().replaceAll(':', '');
  return hex.length === 2 * SAS_FIELD_BYTES ? fromHex(hex) : undefined;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Bytes of an even-length hex string; undefined for anything else. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) {
    return undefined;
  }
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}
