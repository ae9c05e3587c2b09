// What this browser remembers for call verification, in IndexedDB (never sent anywhere): its own
// DTLS certificate per account, so that the peer sees the same device next time, and the pairs
// of certificates the person confirmed with Match.
import { fingerprintFromText, toHex } from './sas.js';

const DATABASE = 'dialtone-verify';
const CERTIFICATES = 'certificates';
const VERIFIED = 'verified';
/** Browsers cap a generated certificate's life (Chromium at a year); renewed a day before. */
const CERTIFICATE_LIFE_MS = 365 * 24 * 3600 * 1000;
const RENEW_BEFORE_MS = 24 * 3600 * 1000;
const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', expires: CERTIFICATE_LIFE_MS };

export interface PairRecord {
  /** When the person pressed Match (ms since the epoch). */
  verifiedAt: number;
}

/** How this browser knows the peer: confirmed with these two certificates, before, or never. */
export type PeerStanding = 'verified' | 'new-device' | 'unverified';

/** A certificate for this device's calls; kept in IndexedDB so that the peer sees it again. */
export function newCertificate(): Promise<RTCCertificate> {
  return RTCPeerConnection.generateCertificate(KEY_ALGORITHM);
}

function request<T>(pending: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    pending.onsuccess = () => resolve(pending.result);
    pending.onerror = () => reject(pending.error ?? new Error('IndexedDB request failed'));
  });
}

function open(): Promise<IDBDatabase> {
  const opening = indexedDB.open(DATABASE, 1);
  opening.onupgradeneeded = () => {
    opening.result.createObjectStore(CERTIFICATES);
    opening.result.createObjectStore(VERIFIED);
  };
  return request(opening);
}

/** SHA-256 of the certificate as bytes (what the short code is derived from). */
export function certificateFingerprint(certificate: RTCCertificate): Uint8Array | undefined {
  const sha256 = certificate
    .getFingerprints()
    .find(({ algorithm }) => algorithm?.toLowerCase() === 'sha-256')?.value;
  return sha256 === undefined ? undefined : fingerprintFromText(sha256);
}

/** One account's verification memory on this device. */
export class VerifyStore {
  private database: Promise<IDBDatabase> | undefined;
  private certificate: Promise<RTCCertificate> | undefined;

  constructor(private readonly owner: string) {}

  /** This device's certificate for `owner`: the stored one while valid, else a new one, stored. */
  ownCertificate(): Promise<RTCCertificate> {
    this.certificate ??= this.loadCertificate().catch((error: unknown) => {
      this.certificate = undefined;
      throw error;
    });
    return this.certificate;
  }

  async standing(peer: string, own: Uint8Array, theirs: Uint8Array): Promise<PeerStanding> {
    const store = await this.store(VERIFIED, 'readonly');
    if (await request(store.get(this.pairKey(peer, own, theirs)))) {
      return 'verified';
    }
    const prefix = this.peerPrefix(peer);
    const earlier = await request(store.count(IDBKeyRange.bound(prefix, `${prefix}\uffff`)));
    return earlier > 0 ? 'new-device' : 'unverified';
  }

  async rememberMatch(peer: string, own: Uint8Array, theirs: Uint8Array): Promise<void> {
    const record: PairRecord = { verifiedAt: Date.now() };
    const store = await this.store(VERIFIED, 'readwrite');
    await request(store.put(record, this.pairKey(peer, own, theirs)));
  }

  private async loadCertificate(): Promise<RTCCertificate> {
    const stored = (await request((await this.store(CERTIFICATES)).get(this.owner))) as unknown;
    if (stored instanceof RTCCertificate && stored.expires > Date.now() + RENEW_BEFORE_MS) {
      return stored;
    }
    const fresh = await newCertificate();
    await request((await this.store(CERTIFICATES, 'readwrite')).put(fresh, this.owner));
    return fresh;
  }

  private async store(name: string, mode: IDBTransactionMode = 'readonly') {
    this.database ??= open();
    return (await this.database).transaction(name, mode).objectStore(name);
  }

  private peerPrefix(peer: string): string {
    return `${this.owner}\n${peer}\n`;
  }

  private pairKey(peer: string, own: Uint8Array, theirs: Uint8Array): string {
    return `${this.peerPrefix(peer)}${toHex(own)}\n${toHex(theirs)}`;
  }
}
