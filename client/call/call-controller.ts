import type {
  CallBackMessage,
  ClientHangupCode,
  ClientMessage,
  ErrorMessage,
  IncomingCallMessage,
  ServerMessage,
} from '../../src/signaling/protocol.js';
import { normalizeUsername } from '../../src/users/username.js';
import type { Sentence } from '../i18n/translator.js';
import { type LocalMedia, MediaUnavailable } from '../media/local-media.js';
import { type LinkRole, PeerLink, type PeerLinkEvents } from '../webrtc/peer-link.js';
import type { CallPhase, CallView } from './call-view.js';
import type { Ringtone } from './ringtone.js';

export interface CallControllerDeps {
  /** False when the message could not be sent (no connection to the server). */
  send(message: ClientMessage): boolean;
  view: CallView;
  media: LocalMedia;
  ringtone: Ringtone;
  rtcConfiguration(): Promise<RTCConfiguration>;
  /** Capture was allowed: device names can now be listed. */
  mediaOpened(): void;
  callEnded(): void;
}

interface Call {
  readonly peer: string;
  readonly role: LinkRole;
  callId?: string;
  link?: PeerLink;
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

  constructor(private readonly deps: CallControllerDeps) {}

  /** The current call's connection, for swapping tracks (camera on/off, another device). */
  get link(): PeerLink | undefined {
    return this.call?.link;
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
    this.enter('calling', { key: 'statusCalling', values: { peer } });
    // The camera opens while it rings, but nothing reaches the callee before they accept.
    call.ready = this.prepare(call);
  }

  accept(): void {
    const call = this.call;
    if (this.phase !== 'incoming' || !call) {
      return;
    }
    this.deps.ringtone.stop();
    this.deps.send({ type: 'call_back', toUser: call.peer, callId: call.callId, msg: '1' });
    this.enter('connecting', { key: 'statusConnectingMedia', values: { peer: call.peer } });
    call.ready = this.prepare(call);
  }

  reject(): void {
    const call = this.call;
    if (this.phase !== 'incoming' || !call) {
      return;
    }
    this.deps.send({ type: 'call_back', toUser: call.peer, callId: call.callId, msg: '0' });
    this.end(call, { key: 'youRejected', values: { peer: call.peer } });
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

  /** The socket closed: for the server any call it carried is over, so it is over here too. */
  connectionLost(): void {
    if (this.call) {
      this.end(this.call, { key: 'serverConnectionLost' });
    }
  }

  handle(message: ServerMessage): void {
    const call = this.call;
    switch (message.type) {
      case 'call_start':
        return this.ringHere(message);
      case 'ringing':
        if (call && this.phase === 'calling') {
          call.callId = message.callId;
          this.enter('ringing', { key: 'statusRinging', values: { peer: call.peer } });
        }
        return;
      case 'call_back':
        return this.answered(message);
      case 'offer':
      case 'answer':
        if (call && this.fromPeer(call, message)) {
          void this.whenReady(call, (link) => link.receiveDescription(message.type, message.sdp));
        }
        return;
      case '_ice':
        if (call && this.fromPeer(call, message)) {
          void this.whenReady(call, (link) => link.receiveCandidate(message.iceCandidate));
        }
        return;
      case 'hangup':
        if (call && (call.callId === undefined || message.callId === call.callId)) {
          this.end(call, { code: message.code, values: { peer: call.peer } });
        }
        return;
      case 'error':
        return this.refused(message);
      case 'welcome':
        return;
    }
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
    this.call = { peer, role: 'callee', callId: message.callId };
    this.deps.view.showIncoming(peer);
    this.enter('incoming', { key: 'statusIncoming', values: { peer } });
    this.deps.ringtone.start();
  }

  private answered(message: CallBackMessage): void {
    const call = this.call;
    if (!call || call.role !== 'caller' || (this.phase !== 'calling' && this.phase !== 'ringing')) {
      return; // e.g. the "glare" reply after we switched to the incoming call
    }
    if (message.msg === '1' && message.fromUser === call.peer) {
      call.callId = message.callId ?? call.callId;
      this.enter('connecting', { key: 'statusConnectingMedia', values: { peer: call.peer } });
      void this.whenReady(call, (link) => {
        const local = this.deps.media.current;
        if (local) {
          link.sendMedia(local); // starts negotiation: the first SDP leaves only now
        }
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

  /** Binds the peer connection's handlers, then opens the camera and microphone. */
  private async prepare(call: Call): Promise<boolean> {
    try {
      const configuration = await this.deps.rtcConfiguration();
      if (this.call !== call) {
        return false;
      }
      call.link = new PeerLink(configuration, call.role, this.linkEvents(call));
      const { cameraMissing } = await this.deps.media.open();
      if (this.call !== call) {
        this.deps.media.stop(); // ended while the browser was opening the devices
        return false;
      }
      const local = this.deps.media.current;
      if (call.role === 'callee' && local) {
        call.link.sendMedia(local); // the callee has accepted: its media may go with the answer
      }
      this.deps.view.showLocal(local);
      this.deps.view.setCameraAvailable(!cameraMissing);
      this.deps.view.setMediaNotice(cameraMissing ? { key: 'audioOnly' } : undefined);
      this.deps.mediaOpened();
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
    };
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
    if (this.call !== call) {
      return;
    }
    if (hangupCode) {
      this.deps.send({ type: 'hangup', toUser: call.peer, callId: call.callId, code: hangupCode });
    }
    this.release(call);
    this.enter('idle', { key: 'statusEnded', reason });
    this.deps.callEnded();
  }

  private release(call: Call): void {
    this.call = undefined;
    call.link?.close();
    this.deps.media.stop();
    this.deps.ringtone.stop();
    this.deps.view.showLocal(undefined);
    this.deps.view.showRemote(undefined);
    this.deps.view.setMediaNotice(undefined);
  }

  private enter(phase: CallPhase, status: Sentence): void {
    this.phase = phase;
    this.deps.view.setPhase(phase);
    this.deps.view.setStatus(status);
  }
}
