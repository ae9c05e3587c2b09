// Commit, then reveal, over the call's own data channel (DTLS protected end to end): the nonces
// never pass through the server, and neither side can choose its nonce after seeing the other's.
import {
  commitTo,
  deriveSas,
  fromHex,
  newNonce,
  revealMatches,
  type ShortAuthenticationString,
  toHex,
} from './sas.js';

/**
 * Negotiated with a fixed id on both sides, so it needs no signaling of its own (and an attacker
 * who relays the call cannot tell it from the media by anything the server carries).
 */
export const VERIFY_CHANNEL = {
  label: 'dialtone-verify',
  init: { negotiated: true, id: 23, ordered: true } satisfies RTCDataChannelInit,
} as const;

/** What one page sends the other, as JSON text. */
export type VerifyMessage =
  | { type: 'commit'; commitment: string }
  | { type: 'reveal'; nonce: string }
  /** The person said the codes differ: the other page warns too (if the message gets through). */
  | { type: 'mismatch' };

const HEX_32 = /^[0-9a-f]{64}$/;

/** The message in `data`, or undefined for anything this version does not understand. */
export function parseVerifyMessage(data: unknown): VerifyMessage | undefined {
  if (typeof data !== 'string' || data.length > 1000) {
    return undefined;
  }
  try {
    const message = JSON.parse(data) as Record<string, unknown>;
    if (message.type === 'commit' && typeof message.commitment === 'string') {
      return HEX_32.test(message.commitment)
        ? { type: 'commit', commitment: message.commitment }
        : undefined;
    }
    if (message.type === 'reveal' && typeof message.nonce === 'string') {
      return HEX_32.test(message.nonce) ? { type: 'reveal', nonce: message.nonce } : undefined;
    }
    return message.type === 'mismatch' ? { type: 'mismatch' } : undefined;
  } catch {
    return undefined;
  }
}

export interface CallCode {
  sas: ShortAuthenticationString;
  ownFingerprint: Uint8Array;
  peerFingerprint: Uint8Array;
}

/**
 * Why no code could be shown: the peer's reveal did not match its commitment or it broke the
 * order (`protocol`), or the call's transports do not share one remote certificate (`transport`).
 */
export type VerifyFailure = 'commitment' | 'protocol' | 'transport';

export interface VerifyExchangeInput {
  channel: RTCDataChannel;
  callId: string;
  /** SHA-256 of this page's own DTLS certificate. */
  ownFingerprint: Uint8Array;
  /** SHA-256 of the remote certificate of each of the call's DTLS transports, read when needed. */
  peerFingerprints(): Promise<Uint8Array[]>;
}

export interface VerifyExchangeEvents {
  code(code: CallCode): void;
  failed(reason: VerifyFailure): void;
  peerSaidMismatch(): void;
}

/** One call's exchange: listens from the moment the channel exists, so no message is missed. */
export class VerifyExchange {
  private readonly nonce = newNonce();
  private peerCommitment: Uint8Array | undefined;
  private committed = false;
  private revealed = false;
  private finished = false;
  /** Steps run one at a time, in the order the events came. */
  private work: Promise<void> = Promise.resolve();

  constructor(
    private readonly input: VerifyExchangeInput,
    private readonly events: VerifyExchangeEvents,
  ) {
    const { channel } = input;
    channel.addEventListener('message', this.received);
    if (channel.readyState === 'open') {
      this.enqueue(() => this.commit());
    } else {
      channel.addEventListener('open', this.opened);
    }
  }

  /** Tells the peer's page that the person said the codes differ (before the call is ended). */
  reportMismatch(): void {
    this.send({ type: 'mismatch' });
  }

  close(): void {
    this.finished = true;
    this.input.channel.removeEventListener('message', this.received);
    this.input.channel.removeEventListener('open', this.opened);
  }

  private readonly opened = (): void => this.enqueue(() => this.commit());

  private readonly received = ({ data }: MessageEvent): void => {
    const message = parseVerifyMessage(data);
    if (!message) {
      this.enqueue(() => Promise.resolve(this.fail('protocol')));
      return;
    }
    this.enqueue(() => this.handle(message));
  };

  private async commit(): Promise<void> {
    this.send({ type: 'commit', commitment: toHex(await commitTo(this.nonce)) });
    this.committed = true;
    this.revealIfDue();
  }

  private async handle(message: VerifyMessage): Promise<void> {
    switch (message.type) {
      case 'commit':
        if (this.peerCommitment) {
          return this.fail('protocol'); // a second commitment would be a second guess
        }
        this.peerCommitment = fromHex(message.commitment);
        return this.revealIfDue();
      case 'reveal':
        return this.revealReceived(fromHex(message.nonce) ?? new Uint8Array());
      case 'mismatch':
        return this.events.peerSaidMismatch();
    }
  }

  /** Our nonce goes out only once we have the peer's commitment: it cannot pick after seeing it. */
  private revealIfDue(): void {
    if (this.committed && this.peerCommitment && !this.revealed) {
      this.revealed = true;
      this.send({ type: 'reveal', nonce: toHex(this.nonce) });
    }
  }

  private async revealReceived(peerNonce: Uint8Array): Promise<void> {
    const commitment = this.peerCommitment;
    if (!commitment || !this.revealed) {
      return this.fail('protocol');
    }
    if (!(await revealMatches(commitment, peerNonce))) {
      return this.fail('commitment');
    }
    const distinct = new Map(
      (await this.input.peerFingerprints()).map((fingerprint) => [toHex(fingerprint), fingerprint]),
    );
    const [peerFingerprint] = distinct.values();
    if (distinct.size !== 1 || !peerFingerprint) {
      return this.fail('transport'); // media and data must end at the same certificate
    }
    const { ownFingerprint, callId } = this.input;
    const sas = await deriveSas({
      own: { fingerprint: ownFingerprint, nonce: this.nonce },
      peer: { fingerprint: peerFingerprint, nonce: peerNonce },
      callId,
    });
    if (!this.finished) {
      this.finished = true;
      this.events.code({ sas, ownFingerprint, peerFingerprint });
    }
  }

  private fail(reason: VerifyFailure): void {
    if (!this.finished) {
      this.finished = true;
      this.events.failed(reason);
    }
  }

  private send(message: VerifyMessage): void {
    if (this.input.channel.readyState === 'open') {
      this.input.channel.send(JSON.stringify(message));
    }
  }

  private enqueue(step: () => Promise<void>): void {
    this.work = this.work.then(step).catch((error: unknown) => {
      console.warn('call verification failed', error);
      this.fail('protocol');
    });
  }
}
