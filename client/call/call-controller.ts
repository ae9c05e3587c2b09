import type {
  CallBackMessage,
  ClientHangupCode,
  ClientMessage,
  ErrorMessage,
  HangupCode,
  IncomingCallMessage,
  RateLimitReason,
  ResumedCall,
  ServerMessage,
} from '../../src/signaling/protocol.js';
import { normalizeUsername } from '../../src/users/username.js';
import type { Sentence } from '../i18n/translator.js';
import { type LocalMedia, MediaUnavailable } from '../media/local-media.js';
import { type LinkRole, PeerLink, type PeerLinkEvents } from '../webrtc/peer-link.js';
import type { CallAlerts } from './call-alerts.js';
import type { CallPhase, CallView, CameraOutlook } from './call-view.js';
import type { ToneKind, Tones } from './tones.js';

export interface CallControllerDeps {
  /** False when the message could not be sent (no connection to the server). */
  send(message: ClientMessage): boolean;
  view: CallView;
  media: LocalMedia;
  tones: Tones;
  alerts: CallAlerts;
  rtcConfiguration(): Promise<RTCConfiguration>;
  /** Whether this device can answer with video, asked while a call rings. */
  cameraOutlook(): Promise<CameraOutlook>;
  /** Capture was allowed, or media opened or closed: device names and toggles can be refreshed. */
  mediaChanged(): void;
  /** Whether the video sent is a shared screen rather than the camera. */
  sharingScreen(): boolean;
  phaseChanged(phase: CallPhase): void;
  /** Someone is being called or calls: look their display name up (shown once known). */
  learnName(username: string): void;
  callEnded(): void;
  /** The call's verification channel exists (client/verify/): before any SDP is sent. */
  verifyChannel?(call: VerifyChannelCall): void;
}

/** What call verification needs of the current call. */
export interface VerifyChannelCall {
  peer: string;
  callId: string | undefined;
  channel: RTCDataChannel;
  link: PeerLink;
}

/** The tone each phase plays: the callee's ring, the caller's ringback, else silence. */
const TONES: Partial<Record<CallPhase, ToneKind>> = { incoming: 'ring', ringing: 'ringback' };

/** How a call that rang here ended without being answered or declined: a missed call. */
const MISSED_CODES: ReadonlySet<HangupCode> = new Set([
  'missed',
  'cancelled',
  'disconnected',
  'server_shutdown',
]);

interface Call {
  readonly peer: string;
  readonly role: LinkRole;
  callId?: string;
  /** The call is active on the server: relayed messages (media_state) can go through. */
  active?: boolean;
  /** Answered with audio only: the camera choice goes back to on when this call ends. */
  audioOnly?: boolean;
  /**
   * This page (reloaded mid-call) or the peer's is building a new peer connection: "Reconnecting…"
   * until media flows again.
   */
  relinking?: boolean;
  /** This side makes the offers: the caller, or whichever side came back from a reload. */
  offers?: boolean;
  link?: PeerLink;
  /** True once the peer connection exists (handlers bound); false if the call ended first. */
  linked?: Promise<boolean>;
  /** True once the peer connection exists and media is open; false if the call ended first. */
  ready?: Promise<boolean>;
}

/**
 * One call at a time, from dialling or ringing to the end: reacts to the user and to the server,
 * and owns the order of things: handlers before media, nothing sent to the peer before it accepts,
 * and one clean ending (tracks stopped, connection closed, page idle) on every path.
 */
export class CallController {
  private call: Call | undefined;
  private phase: CallPhase = 'idle';
  /** This page's signaling socket dropped and is being resumed. */
  private selfAway = false;
  /** The peer's socket dropped (peer_status "reconnecting") and has not come back yet. */
  private peerAway = false;
  /** This tab reloaded mid-call and resumes its session: the server's call is this page's. */
  private rejoining = false;
  /** Call waiting: a second call ringing here during this page's call (its banner shows). */
  private waiting: IncomingCallMessage | undefined;
  /** The countdown after a refused call_start, until the same call would go through. */
  private retryTimer: number | undefined;

  constructor(private readonly deps: CallControllerDeps) {}

  /** The current call's connection, for swapping tracks (camera on/off, another device). */
  get link(): PeerLink | undefined {
    return this.call?.link;
  }

  /** Whom the current call is with. */
  get peer(): string | undefined {
    return this.call?.peer;
  }

  /**
   * This side placed or answered a call that is not over: leaving the page would end it, and a
   * reload carries it on. A call only ringing here is not one yet (closing the tab declines it).
   */
  get busy(): boolean {
    return this.phase !== 'idle' && this.phase !== 'incoming';
  }

  /** The page was reloaded mid-call: the session about to be resumed carries this page's call. */
  expectRejoin(): void {
    this.rejoining = true;
  }

  dial(typed: string): void {
    if (this.phase !== 'idle') {
      return;
    }
    const text = typed.trim();
    const peer = normalizeUsername(text);
    if (!peer) {
      this.deps.view.setStatus(
        text ? { key: 'invalidAccount', values: { peer: text } } : { key: 'enterAccount' },
      );
      return;
    }
    if (!this.deps.send({ type: 'call_start', toUser: peer })) {
      return;
    }
    const call: Call = { peer, role: 'caller' };
    this.call = call;
    this.deps.learnName(peer);
    this.enter('calling', { key: 'statusCalling', values: { peer } });
    // The camera opens while it rings, but nothing reaches the callee before they accept.
    call.ready = this.prepare(call);
  }

  /** Answers the call ringing here; `audioOnly` keeps the camera off (it can be turned on later). */
  accept(audioOnly = false): boolean {
    const call = this.call;
    if (this.phase !== 'incoming' || !call) {
      return false;
    }
    if (audioOnly) {
      call.audioOnly = true;
      void this.deps.media.setCameraOn(false);
    }
    this.deps.alerts.stopRinging();
    this.deps.send({ type: 'call_back', toUser: call.peer, callId: call.callId, msg: '1' });
    call.active = true;
    this.enter('connecting', { key: 'statusConnectingMedia', values: { peer: call.peer } });
    this.deps.view.focusHangUp();
    call.ready = this.prepare(call);
    void this.whenReady(call, () => this.sendMediaState());
    return true;
  }

  reject(): boolean {
    const call = this.call;
    if (this.phase !== 'incoming' || !call) {
      return false;
    }
    this.deps.alerts.stopRinging();
    this.deps.send({ type: 'call_back', toUser: call.peer, callId: call.callId, msg: '0' });
    this.end(call, { key: 'youRejected', values: { peer: call.peer } });
    return true;
  }

  /**
   * Call waiting, "End & accept": this page's call ends (the server tells its peer, `switched`)
   * and the waiting call is answered in its place.
   */
  acceptWaiting(): boolean {
    const waiting = this.takeWaiting();
    const current = this.call;
    if (!waiting || !current) {
      return false;
    }
    this.release(current);
    this.deps.callEnded();
    this.call = { peer: waiting.fromUser, role: 'callee', callId: waiting.callId };
    this.deps.learnName(waiting.fromUser);
    this.phase = 'incoming';
    return this.accept();
  }

  /** Call waiting, "Decline": the waiting caller hears `rejected`; this page's call goes on. */
  declineWaiting(): boolean {
    const waiting = this.takeWaiting();
    if (!waiting) {
      return false;
    }
    const { fromUser, callId } = waiting;
    this.deps.send({ type: 'call_back', toUser: fromUser, callId, msg: '0' });
    return true;
  }

  /** Tells the peer what this side now sends (after mute, camera on/off), once the call is active. */
  sendMediaState(): void {
    const call = this.call;
    if (call?.active && this.deps.media.current) {
      const { audio, video: camera } = this.deps.media.sending;
      const screen = this.deps.sharingScreen();
      const video = camera || screen;
      const envelope = { toUser: call.peer, callId: call.callId };
      this.deps.send({ type: 'media_state', ...envelope, audio, video, screen });
    }
  }

  /** Cancels a call that is ringing, rejects one that rings here, or ends one in progress. */
  hangUp(): void {
    const call = this.call;
    if (!call) {
      return;
    }
    if (this.phase === 'incoming') {
      this.reject();
      return;
    }
    this.end(call, { key: 'youHungUp' }, 'hangup');
  }

  /**
   * The session is over (it could not be resumed): for the server any call it carried is over, so
   * it is over here too.
   */
  connectionLost(reason: 'disconnected' | 'not_resumed' = 'disconnected'): void {
    this.selfAway = false;
    this.takeWaiting(); // the session is gone: nothing rings here any more
    if (this.rejoining) {
      this.rejoining = false; // the call this reloaded page left is over on the server too
      this.deps.view.setStatus({ key: 'statusEnded', reason: { key: 'callNotResumed' } });
    }
    if (this.phase === 'incoming') {
      this.deps.alerts.stopRinging(true); // nobody answered it: missed
    }
    if (this.call) {
      const key = reason === 'not_resumed' ? 'callNotResumed' : 'serverConnectionLost';
      this.end(this.call, { key });
    }
  }

  /** This page's socket dropped; the server keeps the session, and the call, for its window. */
  connectionAway(): void {
    this.selfAway = true;
    this.showReconnecting();
  }

  /**
   * Resumed on a new socket: the call goes on (what was missed is replayed next). A call the
   * server still holds but this page ended while away (its hangup could not be sent) ends now.
   */
  connectionBack(serverCall: ResumedCall | null): void {
    this.selfAway = false;
    if (this.rejoining) {
      this.rejoining = false;
      if (serverCall && !this.call) {
        this.rejoin(serverCall);
        return;
      }
    }
    this.showReconnecting();
    const call = this.call;
    const same =
      call !== undefined &&
      (call.callId === serverCall?.callId ||
        (call.callId === undefined && call.peer === serverCall?.peer)); // its `ringing` is replayed
    const ringsHere = serverCall?.state === 'ringing' && serverCall.role === 'callee';
    if (serverCall && !same && !ringsHere) {
      this.deps.send({ type: 'hangup', toUser: serverCall.peer, callId: serverCall.callId });
    }
    this.restartIceIfDown();
  }

  handle(message: ServerMessage): void {
    const call = this.call;
    switch (message.type) {
      case 'call_start':
        return message.waiting ? this.ringWaiting(message) : this.ringHere(message);
      case 'ringing':
        if (call && this.phase === 'calling') {
          call.callId = message.callId;
          this.enter('ringing', { key: 'statusRinging', values: { peer: call.peer } });
        }
        return;
      case 'call_back':
        return this.answered(message);
      case 'offer':
        if (call && this.fromPeer(call, message)) {
          void this.whenLinked(call, (link) => this.offered(call, link, message.sdp));
        }
        return;
      case 'answer':
        if (call && this.fromPeer(call, message)) {
          void this.whenLinked(call, (link) => link.receiveDescription(message.type, message.sdp));
        }
        return;
      case '_ice':
        if (call && this.fromPeer(call, message)) {
          void this.whenLinked(call, (link) => link.receiveCandidate(message.iceCandidate));
        }
        return;
      case 'media_state':
        if (call && this.fromPeer(call, message)) {
          const { audio, video, screen } = message;
          this.deps.view.setPeerMedia({ peer: call.peer, audio, video, screen });
        }
        return;
      case 'hangup':
        if (this.waiting?.callId === message.callId) {
          this.takeWaiting(); // the waiting caller gave up, it went unanswered, or another device declined
        } else if (call && (call.callId === undefined || message.callId === call.callId)) {
          if (this.phase === 'incoming') {
            this.deps.alerts.stopRinging(MISSED_CODES.has(message.code));
          }
          this.end(call, { code: message.code, values: { peer: call.peer } });
        }
        return;
      case 'peer_status':
        if (call && this.fromPeer(call, message)) {
          this.peerAway = message.status === 'reconnecting';
          this.showReconnecting();
          if (!this.peerAway) {
            this.restartIceIfDown(); // the peer may be on a new network
          }
        }
        return;
      case 'error':
        return this.refused(message);
      case 'welcome':
        return;
    }
  }

  /**
   * "Reconnecting…" on both sides of a call while either side is away from the server, or while
   * a reloaded side builds its new peer connection.
   */
  private showReconnecting(): void {
    const call = this.call;
    const away = this.selfAway || this.peerAway || call?.relinking === true;
    this.deps.view.setReconnecting(call !== undefined && away);
  }

  /** Only the offering side restarts ICE (the other answers the new offer): PeerLink knows which. */
  private restartIceIfDown(): void {
    this.call?.link?.restartIceIfDown();
  }

  /**
   * This tab was reloaded mid-call and its session resumed: the call carries on, on a new peer
   * connection that this side offers (the peer's old one cannot talk to it).
   */
  private rejoin(serverCall: ResumedCall): void {
    const { peer, callId, role, state } = serverCall;
    if (state === 'ringing' && role === 'callee') {
      return; // the accept never reached the server: it rings on, as a call not answered here
    }
    const active = state === 'active';
    const call: Call = {
      peer,
      role,
      callId,
      active,
      relinking: active,
      offers: active || undefined,
    };
    this.call = call;
    if (active) {
      this.enter('connecting', { key: 'statusConnectingMedia', values: { peer } });
      this.showReconnecting();
      call.ready = this.prepare(call);
      void this.whenReady(call, () => this.sendMediaState());
    } else {
      this.enter('ringing', { key: 'statusRinging', values: { peer } });
      call.ready = this.prepare(call);
    }
  }

  /**
   * An offer: a renegotiation or ICE restart of this connection, or the first offer of a peer
   * that reloaded (a new RTCPeerConnection: another SDP session), which this side answers on a
   * new connection of its own. An offer to the side that offers is stale (meant for the peer's
   * connection before this page reloaded) unless this side is the caller: the callee offers only
   * after a reload, so that offer is a fresh start.
   */
  private offered(call: Call, link: PeerLink, sdp: string): void {
    if (link.fromAnotherConnection(sdp) || (link.offerer && call.role === 'caller')) {
      this.relink(call, sdp);
    } else if (!link.offerer) {
      link.receiveDescription('offer', sdp);
    }
  }

  /** Replaces the call's peer connection by one that answers `offerSdp`; the media stays open. */
  private relink(call: Call, offerSdp: string): void {
    call.link?.close();
    call.link = undefined;
    call.offers = false;
    call.relinking = true;
    this.showReconnecting();
    call.ready = call.linked = (async () => {
      const configuration = await this.deps.rtcConfiguration();
      if (this.call !== call) {
        return false;
      }
      const link = new PeerLink(configuration, 'callee', this.linkEvents(call));
      call.link = link;
      const local = this.deps.media.current;
      if (local) {
        link.sendMedia(local);
      }
      link.receiveDescription('offer', offerSdp);
      return true;
    })();
  }

  private ringHere(message: IncomingCallMessage): void {
    if (this.phase === 'calling' && this.call) {
      // Our own call_start is about to be refused (the peer dialled us at the same moment, or
      // someone else rang first: the server answers "glare" or "already_in_call"). Take theirs.
      this.release(this.call);
      this.phase = 'idle';
    }
    if (this.phase !== 'idle') {
      return; // the server counts this user as busy; the caller has been told
    }
    const peer = message.fromUser;
    const call: Call = { peer, role: 'callee', callId: message.callId };
    this.call = call;
    this.deps.learnName(peer);
    // Focus stays where it is: someone typing must not answer by pressing Enter. The status
    // line (a live region) announces the call; Alt+Shift+A answers, Escape declines.
    this.deps.view.showIncoming(peer, 'available');
    this.enter('incoming', { key: 'statusIncoming', values: { peer } });
    this.deps.alerts.ringing(peer);
    void this.deps.cameraOutlook().then((outlook) => {
      if (this.call === call && this.phase === 'incoming') {
        this.deps.view.showIncoming(peer, outlook);
      }
    });
  }

  /**
   * Call waiting: someone calls during this page's call; a banner and a soft tone, the call goes
   * on. If this page's call is already over, the server rings it as any call.
   */
  private ringWaiting(message: IncomingCallMessage): void {
    if (!this.call || this.phase === 'idle' || this.phase === 'incoming' || this.waiting) {
      return this.ringHere(message);
    }
    this.waiting = message;
    this.deps.learnName(message.fromUser);
    this.deps.view.showWaiting(message.fromUser);
    this.deps.tones.play('waiting');
  }

  /** The waiting call, if any, no longer shown (banner hidden, its tone stopped). */
  private takeWaiting(): IncomingCallMessage | undefined {
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      this.deps.view.showWaiting(undefined);
      this.deps.tones.play(TONES[this.phase]);
    }
    return waiting;
  }

  /**
   * A call_start the caller's limits refused: not "Ended:", but why and a live countdown until
   * the same call would go through ("Bob declined your call. You can call again in 8 s.").
   */
  private refusedForNow(call: Call, reason: RateLimitReason, retryAfter: number): void {
    const key = reason === 'declined_recently' ? 'declinedCallAgainIn' : 'tooManyCallsCallAgainIn';
    const peer = call.peer;
    const until = Date.now() + retryAfter * 1000;
    this.finish(call, { key, values: { peer, seconds: retryAfter } });
    let shown = retryAfter;
    this.retryTimer = window.setInterval(() => {
      const left = Math.ceil((until - Date.now()) / 1000);
      if (left <= 0) {
        this.stopCountdown();
        this.deps.view.setStatus({ key: 'callAgainNow', values: { peer } });
      } else if (left !== shown) {
        shown = left;
        this.deps.view.setStatus({ key, values: { peer, seconds: left } });
      }
    }, 250);
  }

  private stopCountdown(): void {
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
  }

  private answered(message: CallBackMessage): void {
    const call = this.call;
    if (!call || call.role !== 'caller' || (this.phase !== 'calling' && this.phase !== 'ringing')) {
      return; // e.g. the "glare" reply after we switched to the incoming call
    }
    if (message.code === 'rate_limited' && message.reason && message.retryAfter) {
      return this.refusedForNow(call, message.reason, message.retryAfter);
    }
    if (message.msg === '1' && message.fromUser === call.peer) {
      call.callId = message.callId ?? call.callId;
      call.active = true;
      this.enter('connecting', { key: 'statusConnectingMedia', values: { peer: call.peer } });
      void this.whenReady(call, (link) => {
        const local = this.deps.media.current;
        if (local) {
          link.sendMedia(local); // starts negotiation: the first SDP leaves only now
        }
        this.sendMediaState();
      });
      return;
    }
    this.end(call, { code: message.code ?? 'rejected', values: { peer: call.peer } });
  }

  private refused(message: ErrorMessage): void {
    const call = this.call;
    if (message.code === 'already_in_call' && call && this.phase === 'calling') {
      this.end(call, { code: message.code });
    } else if (call || message.code !== 'not_in_call') {
      // not_in_call with no call here is a late relay after the end: nothing to tell anyone.
      this.deps.view.setStatus({ key: 'statusError', reason: { code: message.code } });
    }
  }

  /** The peer connection, its handlers bound before any media or description exists. */
  private async createLink(call: Call): Promise<boolean> {
    try {
      const configuration = await this.deps.rtcConfiguration();
      if (this.call !== call) {
        return false;
      }
      const linkRole = call.role === 'caller' || call.offers ? 'caller' : 'callee';
      call.link = new PeerLink(configuration, linkRole, this.linkEvents(call));
      return true;
    } catch (error) {
      console.error('call set-up failed', error);
      this.end(call, { key: 'callFailed' }, 'hangup');
      return false;
    }
  }

  /**
   * Binds the peer connection's handlers, then opens the camera and microphone. The offer need
   * not wait for the camera: a callee answers at once and its tracks follow (PeerLink.sendMedia),
   * so that connecting and opening the camera overlap.
   */
  private async prepare(call: Call): Promise<boolean> {
    call.linked = this.createLink(call);
    if (!(await call.linked)) {
      return false;
    }
    try {
      const { cameraMissing } = await this.deps.media.open();
      if (this.call !== call) {
        this.deps.media.stop(); // ended while the browser was opening the devices
        return false;
      }
      const local = this.deps.media.current;
      if (call.active && local) {
        // Accepted (or rejoined): the callee's media goes with (or after) its answer, a rejoined
        // side offers.
        call.link?.sendMedia(local);
      }
      this.deps.view.showLocal(local);
      this.deps.view.setCameraAvailable(!cameraMissing);
      this.deps.view.setMediaNotice(cameraMissing ? { key: 'audioOnly' } : undefined);
      this.deps.mediaChanged();
      return true;
    } catch (error) {
      if (error instanceof MediaUnavailable) {
        const reason = error.problem === 'denied' ? 'mediaDenied' : 'mediaMissing';
        this.end(call, { key: reason }, 'media_failed');
      } else {
        console.error('call set-up failed', error);
        this.end(call, { key: 'callFailed' }, 'hangup');
      }
      return false;
    }
  }

  private linkEvents(call: Call): PeerLinkEvents {
    const envelope = (): { toUser: string; callId?: string } => ({
      toUser: call.peer,
      callId: call.callId,
    });
    return {
      description: (type, sdp) => this.deps.send({ type, sdp, ...envelope() }),
      candidate: (iceCandidate) => this.deps.send({ type: '_ice', iceCandidate, ...envelope() }),
      remoteStream: (stream) => this.deps.view.showRemote(stream),
      state: (state) => {
        if (this.call !== call) {
          return;
        }
        if (state === 'connected') {
          call.relinking = false;
          this.showReconnecting();
          this.enter('connected', { key: 'statusConnected', values: { peer: call.peer } });
        } else {
          this.deps.view.setStatus({ key: 'statusRecovering', values: { peer: call.peer } });
        }
      },
      failed: () =>
        this.end(call, { code: 'ice_failed', values: { peer: call.peer } }, 'ice_failed'),
      broken: (error) => {
        console.error('negotiation failed', error);
        this.end(call, { key: 'callFailed' }, 'hangup');
      },
      verifyChannel: (channel) => {
        if (this.call === call && call.link) {
          this.deps.verifyChannel?.({
            peer: call.peer,
            callId: call.callId,
            channel,
            link: call.link,
          });
        }
      },
    };
  }

  /** Runs `step` once the call's peer connection exists (media may still be opening). */
  private async whenLinked(call: Call, step: (link: PeerLink) => void): Promise<void> {
    if ((await call.linked) && this.call === call && call.link) {
      step(call.link);
    }
  }

  private async whenReady(call: Call, step: (link: PeerLink) => void): Promise<void> {
    if ((await call.ready) && this.call === call && call.link) {
      step(call.link);
    }
  }

  private fromPeer(call: Call, message: { fromUser: string; callId: string }): boolean {
    return message.fromUser === call.peer && message.callId === call.callId;
  }

  /** The one way a call ends; `hangupCode` tells the server (and so the peer) why. */
  private end(call: Call, reason: Sentence, hangupCode?: ClientHangupCode): void {
    // "Ended:" only for a call that began; one that never did just says why.
    const status: Sentence =
      call.active === true ? { key: 'statusEnded', reason } : notStarted(reason, call.peer);
    this.finish(call, status, hangupCode);
  }

  /** end(), with the idle status line given whole. */
  private finish(call: Call, status: Sentence, hangupCode?: ClientHangupCode): void {
    if (this.call !== call) {
      return;
    }
    if (hangupCode) {
      this.deps.send({ type: 'hangup', toUser: call.peer, callId: call.callId, code: hangupCode });
    }
    this.deps.alerts.stopRinging(); // a no-op unless it still rang here
    this.release(call);
    const waiting = this.takeWaiting();
    this.enter('idle', status);
    this.deps.view.returnFocus();
    this.deps.callEnded();
    if (waiting) {
      this.ringHere(waiting); // this call is over: the server rings the waiting one as any call
    }
  }

  private release(call: Call): void {
    this.call = undefined;
    this.peerAway = false;
    this.showReconnecting();
    call.link?.close();
    this.deps.media.stop();
    if (call.audioOnly) {
      void this.deps.media.setCameraOn(true); // only the choice: nothing is open any more
    }
    this.deps.view.showLocal(undefined);
    this.deps.view.showRemote(undefined);
    this.deps.view.setMediaNotice(undefined);
    this.deps.view.setCameraAvailable(true);
    this.deps.mediaChanged();
  }

  private enter(phase: CallPhase, status: Sentence): void {
    this.phase = phase;
    this.stopCountdown();
    this.deps.tones.play(TONES[phase] ?? (this.waiting ? 'waiting' : undefined));
    this.deps.view.setPhase(phase);
    this.deps.view.setStatus(status);
    this.deps.phaseChanged(phase);
  }
}

/**
 * How a call that never began is summed up: no "Ended:" before "bob is offline." or "The call was
 * answered on another device." (nothing had started). The server's sentences and the capitalised
 * ones stand alone; this side's own cancel and decline have their own; a fragment such as "the
 * call could not be set up." keeps its frame.
 */
function notStarted(reason: Sentence, peer: string): Sentence {
  if ('code' in reason) {
    return reason;
  }
  switch (reason.key) {
    case 'youHungUp':
      return { key: 'youCancelled', values: { peer } };
    case 'youRejected':
      return { key: 'youDeclined', values: { peer } };
    case 'mediaDenied':
    case 'mediaMissing':
      return reason;
    default:
      return { key: 'statusEnded', reason };
  }
}
