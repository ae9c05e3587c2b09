import type { IceCandidateInit } from '../../src/signaling/protocol.js';
import { VERIFY_CHANNEL } from '../verify/verify-channel.js';

/** The caller makes every offer (seed 002's order); the callee only answers. No glare to resolve. */
export type LinkRole = 'caller' | 'callee';
export type LinkState = 'connected' | 'recovering';
export type MediaKind = 'audio' | 'video';

export interface PeerLinkEvents {
  description(type: 'offer' | 'answer', sdp: string): void;
  candidate(candidate: IceCandidateInit): void;
  remoteStream(stream: MediaStream): void;
  state(state: LinkState): void;
  /** ICE failed and did not come back within the recovery time. */
  failed(): void;
  /** Negotiation threw: the call cannot go on. */
  broken(error: unknown): void;
  /** The call's verification channel (issue 23), created with the media, before any SDP. */
  verifyChannel?(channel: RTCDataChannel): void;
}

const KINDS: readonly MediaKind[] = ['audio', 'video'];
/** How long a dropped or failed connection may take to recover before the call is given up. */
const RECOVERY_TIMEOUT_MS = 10_000;

/** One call's RTCPeerConnection, and the WebRTC ordering rules the seed pages got wrong. */
export class PeerLink {
  private readonly pc: RTCPeerConnection;
  private readonly remote = new MediaStream();
  /** Candidates that came before the remote description, which must be set first. */
  private readonly earlyCandidates: IceCandidateInit[] = [];
  /** Negotiation steps run one at a time, in the order the messages came. */
  private work: Promise<void> = Promise.resolve();
  private local: MediaStream | undefined;
  private localAttached = false;
  private verifyChannelOpened = false;
  private recoveryTimer: number | undefined;
  private closed = false;

  constructor(
    configuration: RTCConfiguration,
    private readonly role: LinkRole,
    private readonly events: PeerLinkEvents,
  ) {
    this.pc = new RTCPeerConnection(configuration);
    // Bound before any media or description exists, so that no event can be missed.
    this.pc.onicecandidate = ({ candidate }) => {
      if (candidate) {
        events.candidate(candidate.toJSON());
      }
    };
    this.pc.ontrack = ({ track }) => {
      this.remote.addTrack(track);
      events.remoteStream(this.remote);
    };
    this.pc.onconnectionstatechange = () => this.connectionChanged();
    this.pc.onnegotiationneeded = () => {
      if (role === 'caller') {
        this.enqueue(() => this.offer());
      }
    };
  }

  /**
   * The media to send. The caller's tracks go on at once, which starts negotiation (and so must
   * wait until the callee has accepted); the callee's wait for the offer, to reuse its transceivers,
   * or, when the callee already answered (its camera took longer than the offer), fill the sending
   * slots the answer kept for them, without renegotiating.
   */
  sendMedia(stream: MediaStream): void {
    this.local = stream;
    if (this.role === 'caller') {
      this.attachLocalMedia();
    } else {
      this.enqueue(() => this.fillAnsweredSlots());
    }
  }

  /** This side makes the offers (and so the ICE restarts). */
  get offerer(): boolean {
    return this.role === 'caller';
  }

  /**
   * Whether `sdp` comes from another RTCPeerConnection than the one this link has talked to (the
   * peer reloaded its page): its SDP session id (RFC 8866 `o=` line) differs.
   */
  fromAnotherConnection(sdp: string): boolean {
    const current = this.pc.remoteDescription?.sdp;
    return current !== undefined && sdpSessionId(current) !== sdpSessionId(sdp);
  }

  receiveDescription(type: 'offer' | 'answer', sdp: string): void {
    this.enqueue(async () => {
      if (type === 'answer' && this.pc.signalingState !== 'have-local-offer') {
        return; // late: meant for an offer this connection no longer waits for
      }
      await this.pc.setRemoteDescription({ type, sdp });
      for (const candidate of this.earlyCandidates.splice(0)) {
        await this.addCandidate(candidate);
      }
      if (type === 'offer') {
        this.attachLocalMedia();
        // The offer is set before the answer is created: the answer must match it.
        const answer = await this.pc.createAnswer();
        await this.pc.setLocalDescription(answer);
        this.events.description('answer', answer.sdp ?? '');
      }
    });
  }

  receiveCandidate(candidate: IceCandidateInit): void {
    if (this.pc.remoteDescription) {
      this.enqueue(() => this.addCandidate(candidate));
    } else {
      this.earlyCandidates.push(candidate);
    }
  }

  /** Swaps what is sent without renegotiating: camera off (null), camera on, another device. */
  async replaceTrack(kind: MediaKind, track: MediaStreamTrack | null): Promise<void> {
    await this.transceiverFor(kind)?.sender.replaceTrack(track);
  }

  /** The DTLS transports the call's media and data use: one when bundled, as browsers do. */
  dtlsTransports(): RTCDtlsTransport[] {
    const transports = [
      this.pc.sctp?.transport,
      ...this.pc.getSenders().map((sender) => sender.transport),
      ...this.pc.getReceivers().map((receiver) => receiver.transport),
    ];
    return [
      ...new Set(transports.filter((transport) => transport !== null && transport !== undefined)),
    ];
  }

  /** The connection's statistics, for the call quality panel. */
  getStats(): Promise<RTCStatsReport> {
    return this.pc.getStats();
  }

  /**
   * After the signaling came back (perhaps on a new network): if ICE is down, restart it now
   * rather than waiting for it to fail. The caller offers, so only the caller restarts.
   */
  restartIceIfDown(): void {
    const ice = this.pc.iceConnectionState;
    if (this.role === 'caller' && (ice === 'disconnected' || ice === 'failed')) {
      this.pc.restartIce();
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.recoveryTimer);
    this.pc.onicecandidate = null;
    this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.onnegotiationneeded = null;
    this.pc.close();
  }

  /** After an answer sent before the media was open: each kind's track into its sender. */
  private async fillAnsweredSlots(): Promise<void> {
    const local = this.local;
    if (this.localAttached || !local || !this.pc.currentLocalDescription) {
      return; // not answered yet: the offer attaches the tracks
    }
    this.localAttached = true;
    for (const kind of KINDS) {
      const track = local.getTracks().find((candidate) => candidate.kind === kind);
      await this.transceiverFor(kind)?.sender.replaceTrack(track ?? null);
    }
  }

  private attachLocalMedia(): void {
    const local = this.local;
    if (this.localAttached) {
      return;
    }
    this.openVerifyChannel();
    if (!local) {
      // The callee answers before its camera is open: every kind gets a sending slot now, and
      // its track follows by replaceTrack (fillAnsweredSlots).
      for (const kind of KINDS) {
        this.sendingSlot(kind);
      }
      return;
    }
    this.localAttached = true;
    for (const kind of KINDS) {
      const track = local.getTracks().find((candidate) => candidate.kind === kind);
      if (track) {
        this.pc.addTrack(track, local);
        continue;
      }
      // No track of this kind yet (camera off or missing): keep a sending slot anyway, so that
      // turning the camera on later is a replaceTrack, not a renegotiation.
      this.sendingSlot(kind);
    }
  }

  /**
   * The call's verification channel (issue 23), once per connection. Negotiated (same id on both
   * sides), so it needs no signaling of its own; opened with the media so that the caller's one
   * offer, made only after the callee accepted, already includes it.
   */
  private openVerifyChannel(): void {
    if (this.verifyChannelOpened) {
      return;
    }
    this.verifyChannelOpened = true;
    this.events.verifyChannel?.(
      this.pc.createDataChannel(VERIFY_CHANNEL.label, VERIFY_CHANNEL.init),
    );
  }

  private sendingSlot(kind: MediaKind): void {
    const transceiver = this.transceiverFor(kind);
    if (transceiver) {
      transceiver.direction = 'sendrecv';
    } else {
      this.pc.addTransceiver(kind, { direction: 'sendrecv' });
    }
  }

  private async offer(): Promise<void> {
    if (this.pc.signalingState !== 'stable') {
      return; // an answer is still due; negotiationneeded fires again once it is in
    }
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    this.events.description('offer', offer.sdp ?? '');
  }

  private async addCandidate(candidate: IceCandidateInit): Promise<void> {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      // One unusable candidate (e.g. for a transport bundling removed) must not end the call.
      console.warn('ignored a remote ICE candidate', error);
    }
  }

  private connectionChanged(): void {
    const state = this.pc.connectionState;
    if (state === 'connected') {
      clearTimeout(this.recoveryTimer);
      this.recoveryTimer = undefined;
      this.events.state('connected');
    } else if (state === 'disconnected' || state === 'failed') {
      this.events.state('recovering');
      if (state === 'failed' && this.role === 'caller') {
        // Only the offerer can restart ICE; the callee answers the new offer.
        this.pc.restartIce();
      }
      this.recoveryTimer ??= window.setTimeout(() => {
        this.recoveryTimer = undefined;
        if (this.pc.connectionState !== 'connected') {
          this.events.failed();
        }
      }, RECOVERY_TIMEOUT_MS);
    }
  }

  private transceiverFor(kind: MediaKind): RTCRtpTransceiver | undefined {
    return this.pc
      .getTransceivers()
      .find((transceiver) => transceiver.receiver.track.kind === kind);
  }

  private enqueue(step: () => Promise<void>): void {
    this.work = this.work.then(step).catch((error: unknown) => {
      if (!this.closed) {
        this.events.broken(error);
      }
    });
  }
}

/** The session id of an SDP's `o=` line (`o=- 4611731400430051336 2 IN IP4 127.0.0.1`). */
function sdpSessionId(sdp: string): string | undefined {
  return /^o=\S+ (\S+) /m.exec(sdp)?.[1];
}
