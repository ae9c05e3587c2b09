import type { Translator } from '../i18n/translator.js';
import { fingerprintOfDer } from './sas.js';
import { type CallCode, VerifyExchange, type VerifyFailure } from './verify-channel.js';
import { VerifyPanel } from './verify-panel.js';
import { certificateFingerprint, newCertificate, VerifyStore } from './verify-store.js';

/** The call's side of verification: what the call page's peer connection gives it. */
export interface VerifiableCall {
  peer: string;
  callId: string | undefined;
  channel: RTCDataChannel;
  /** The DTLS transports of the call (PeerLink.dtlsTransports). */
  dtlsTransports(): RTCDtlsTransport[];
}

export interface CallVerificationDeps {
  translator: Translator;
  ownUsername: string;
  /** Ends the current call, as the Hang up button does. */
  hangUp(): void;
}

/** How long "Doesn't match" waits before hanging up, so that the peer's page can hear it. */
const MISMATCH_NOTICE_MS = 300;

interface Current {
  call: VerifiableCall;
  exchange?: VerifyExchange;
  code?: CallCode;
}

/**
 * Verified calls (issue 23): owns this device's DTLS certificate, runs each call's
 * commit-then-reveal exchange, shows the code and remembers what the person confirmed. Nothing of
 * it goes to the server.
 */
export class CallVerification {
  private readonly store: VerifyStore;
  private readonly panel: VerifyPanel;
  private certificate: Promise<RTCCertificate | undefined> | undefined;
  private current: Current | undefined;
  /** A warning stays up after the call it was about ended, until the next call begins. */
  private panelWarns = false;

  constructor(
    element: HTMLElement,
    private readonly deps: CallVerificationDeps,
  ) {
    this.store = new VerifyStore(deps.ownUsername);
    this.panel = new VerifyPanel(element, deps.translator, {
      match: () => void this.match(),
      mismatch: () => this.mismatch(),
    });
    void this.certificates(); // ready before the first call needs it
  }

  /**
   * For RTCConfiguration.certificates: the stored certificate, so that a peer who confirmed this
   * device before recognises it. Without IndexedDB, a new one for this page; without either, none.
   */
  async certificates(): Promise<RTCCertificate[]> {
    this.certificate ??= this.store.ownCertificate().catch(async (error: unknown) => {
      console.warn('no stored certificate for call verification', error);
      return newCertificate().catch(() => undefined);
    });
    const certificate = await this.certificate;
    return certificate ? [certificate] : [];
  }

  /** A call's verification channel exists (before any SDP): listen on it from now on. */
  start(call: VerifiableCall): void {
    this.stop();
    const current: Current = { call };
    this.current = current;
    this.panel.show({ kind: 'hidden' });
    call.channel.addEventListener('open', () => {
      if (this.current === current && !current.code) {
        this.panel.show({ kind: 'waiting', peer: call.peer });
      }
    });
    void this.begin(current);
  }

  /** The call is over: the panel goes, unless it warns about this call. */
  end(): void {
    this.stop();
  }

  private stop(): void {
    const current = this.current;
    this.current = undefined;
    current?.exchange?.close();
    if (!this.panelWarns) {
      this.panel.show({ kind: 'hidden' });
    }
    this.panelWarns = false;
  }

  private async begin(current: Current): Promise<void> {
    const certificate = await this.certificate;
    const ownFingerprint = certificate && certificateFingerprint(certificate);
    if (this.current !== current) {
      return;
    }
    const { call } = current;
    if (!ownFingerprint || call.callId === undefined) {
      this.panel.show({ kind: 'failed', key: 'verifyUnavailable' });
      return;
    }
    current.exchange = new VerifyExchange(
      {
        channel: call.channel,
        callId: call.callId,
        ownFingerprint,
        peerFingerprints: () => peerFingerprints(call),
      },
      {
        code: (code) => void this.showCode(current, code),
        failed: (reason) => this.failed(current, reason),
        peerSaidMismatch: () => this.warn(current, 'verifyPeerMismatch'),
      },
    );
  }

  private async showCode(current: Current, code: CallCode): Promise<void> {
    current.code = code;
    const { peer } = current.call;
    const standing = await this.store
      .standing(peer, code.ownFingerprint, code.peerFingerprint)
      .catch(() => 'unverified' as const);
    if (this.current === current) {
      this.panel.show({ kind: 'code', peer, emoji: code.sas.emoji, standing });
    }
  }

  private async match(): Promise<void> {
    const current = this.current;
    const code = current?.code;
    if (!current || !code) {
      return;
    }
    const { peer } = current.call;
    await this.store.rememberMatch(peer, code.ownFingerprint, code.peerFingerprint);
    if (this.current === current) {
      this.panel.show({ kind: 'code', peer, emoji: code.sas.emoji, standing: 'just-verified' });
    }
  }

  private mismatch(): void {
    const current = this.current;
    if (!current) {
      return;
    }
    current.exchange?.reportMismatch();
    this.warn(current, 'verifyMismatchWarning');
    setTimeout(() => {
      if (this.current === current) {
        this.deps.hangUp();
      }
    }, MISMATCH_NOTICE_MS);
  }

  private failed(current: Current, reason: VerifyFailure): void {
    console.warn('call verification failed:', reason);
    if (this.current === current) {
      this.panelWarns = true;
      this.panel.show({ kind: 'failed', key: 'verifyFailed' });
    }
  }

  private warn(current: Current, key: 'verifyMismatchWarning' | 'verifyPeerMismatch'): void {
    if (this.current === current) {
      this.panelWarns = true;
      this.panel.show({ kind: 'warning', peer: current.call.peer, key });
    }
  }
}

/** SHA-256 of the peer's certificate (the first of its chain) on each connected DTLS transport. */
async function peerFingerprints(call: VerifiableCall): Promise<Uint8Array[]> {
  const ders = call
    .dtlsTransports()
    .map((transport) => transport.getRemoteCertificates()[0])
    .filter((der) => der !== undefined);
  return Promise.all(ders.map(fingerprintOfDer));
}
