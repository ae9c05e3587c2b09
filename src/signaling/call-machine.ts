import { randomUUID } from 'node:crypto';
import type {
  CallBackCode,
  CallStartRefusal,
  ClientHangupCode,
  HangupCode,
  IceRequest,
  MediaStateRequest,
  PeerStatusMessage,
  ResumedCall,
  SdpRequest,
  ServerMessage,
} from './protocol.js';
import { SYSTEM_USER } from './protocol.js';
import { devicesToPush, pushRingEndReason } from './push-ringing.js';
import { rateLimitedReply, sentence } from './sentences.js';
import type {
  CallAccess,
  CallObserver,
  CallSummary,
  EndCode,
  Outbox,
  PushRingEndReason,
  RingByPush,
  SessionDirectory,
  SessionRef,
  Timers,
} from './call-machine.types.js';

interface Call extends CallSummary {
  state: 'ringing' | 'active';
  calleeSession: string | undefined;
  ringTimer: unknown;
  /** Web Push (issue 21): the callee's devices rung by push (no page open on them), until it ends. */
  pushed?: readonly string[];
  /**
   * Call waiting (issue 20): the callee is in another call, and only this session of theirs (the
   * one in that call) rings. Cleared once the call rings as any other (the other call ended).
   */
  waitingOn?: string;
}

/** What the machine needs from outside; all of it is replaceable (Redis, fake clock in tests). */
export interface CallMachineDeps {
  outbox: Outbox;
  directory: SessionDirectory;
  timers: Timers;
  observers: readonly CallObserver[];
  ringTimeoutMs: number;
  /** Web Push (issue 21): rings a callee with no open page on their devices; absent: never. */
  push?: RingByPush;
  newCallId?: () => string;
  now?: () => Date;
}

/**
 * Every call from ring to hang-up, and nothing about transport: it receives requests from
 * authenticated sessions and answers through an Outbox. A user takes part in at most one call at a
 * time (ringing or active); an active call is bound to one session on each side, and only those two
 * sessions can relay offer/answer/_ice to each other.
 *
 * Glare rule: call_start requests are handled one at a time, so when two users dial each other
 * the one processed first rings; the other is answered `call_back` code "glare" while its own
 * sessions are already ringing with the first call, which it can accept. Exactly one call exists.
 *
 * Call waiting (issue 20): a user in an active call on a protocol 2 session can be rung by one
 * more caller, on that session only (`call_start` with `waiting`); accepting it ends the current
 * call (`switched`), and if the current call ends first the waiting one rings as any call.
 */
export class CallMachine {
  private readonly calls = new Map<string, Call>();
  private readonly callOfUser = new Map<string, Call>();
  /** Only the two bound sessions of active calls, plus the caller's session while ringing. */
  private readonly callOfSession = new Map<string, Call>();
  /** Call waiting: the call ringing on a user who is in another call (at most one each). */
  private readonly waitingFor = new Map<string, Call>();
  /** v2 sessions whose socket dropped and that may resume: still present, their peer is told. */
  private readonly away = new Set<string>();
  private readonly newCallId: () => string;
  private readonly now: () => Date;

  constructor(private readonly deps: CallMachineDeps) {
    this.newCallId = deps.newCallId ?? randomUUID;
    this.now = deps.now ?? (() => new Date());
  }

  /** How many calls ring and how many are active (a scrape of /metrics). */
  census(): { ringing: number; active: number } {
    let ringing = 0;
    for (const call of this.calls.values()) {
      ringing += call.state === 'ringing' ? 1 : 0;
    }
    return { ringing, active: this.calls.size - ringing };
  }

  isInCall(sessionId: string): boolean {
    return this.callOfSession.has(sessionId);
  }

  /**
   * call_start. `access` comes from the account directory and the callee's privacy settings;
   * `pushDevices`: the callee's devices subscribed to Web Push (pushDeviceKeys, looked up alike
   * for every callee).
   */
  start(
    from: SessionRef,
    toUser: string,
    access: CallAccess,
    pushDevices: readonly string[] = [],
  ): void {
    if (toUser === from.username) {
      return this.systemReply(from, toUser, 'self');
    }
    const own = this.callOfUser.get(from.username);
    if (own?.state === 'ringing' && own.callee === from.username && own.caller === toUser) {
      return this.systemReply(from, toUser, 'glare', own.id);
    }
    if (own) {
      return this.error(from, toUser, 'already_in_call', own.id);
    }
    if (access === 'unknown_user') {
      return this.systemReply(from, toUser, 'unknown_user');
    }
    if (access === 'refused') {
      // Before busy and offline: whether the callee is online or in a call is not the caller's.
      return this.attempt(from, toUser, 'offline', true);
    }
    if (access === 'do_not_disturb') {
      return this.attempt(from, toUser, 'unavailable');
    }
    const calleeSessions = this.deps.directory.sessionsOf(toUser);
    const current = this.callOfUser.get(toUser);
    const waitOn = current && this.waitableSession(current, toUser, calleeSessions);
    const busy = current !== undefined && waitOn === undefined;
    // Web Push (issue 21): "offline" is no open session and no subscribed device.
    // A session away (its socket dropped: a locked phone's browser) is no open page to ring on.
    const pages = calleeSessions.filter((session) => !this.away.has(session.id));
    // A waiting call rings only the session in the current call: no device by push.
    const byPush = this.deps.push && !waitOn ? devicesToPush(pushDevices, pages) : [];
    if (busy || (calleeSessions.length === 0 && byPush.length === 0)) {
      return this.attempt(from, toUser, busy ? 'busy' : 'offline');
    }
    const call: Call = {
      ...this.summary(this.newCallId(), from, toUser),
      state: 'ringing',
      ringTimer: this.deps.timers.set(this.deps.ringTimeoutMs, () => this.ringTimedOut(call)),
      ...(byPush.length > 0 ? { pushed: byPush } : {}),
      ...(waitOn ? { waitingOn: waitOn.id } : {}),
    };
    this.calls.set(call.id, call);
    this.callOfUser.set(call.caller, call);
    if (waitOn) {
      this.waitingFor.set(call.callee, call);
    } else {
      this.callOfUser.set(call.callee, call);
    }
    this.callOfSession.set(call.callerSession, call);
    for (const session of waitOn ? [waitOn] : calleeSessions) {
      this.ring(call, session.id);
    }
    if (byPush.length > 0) {
      this.deps.push?.ring({
        callId: call.id,
        from: { username: call.caller, displayName: '' }, // the notifier looks the name up
        to: call.callee,
        expiresAt: this.now().getTime() + this.deps.ringTimeoutMs,
        devices: byPush,
      });
    }
    this.deps.outbox.send(from.id, {
      type: 'ringing',
      fromUser: SYSTEM_USER,
      toUser,
      callId: call.id,
    });
    this.notify((o) => o.callStarted?.(call, this.now()));
  }

  /** call_back from one of the callee's sessions: "1" accepts and binds that session, "0" rejects. */
  answer(from: SessionRef, toUser: string, accept: boolean, callId?: string): void {
    const call = this.callWith(from.username, toUser);
    if (
      !call ||
      call.state !== 'ringing' ||
      call.callee !== from.username ||
      call.caller !== toUser ||
      (callId !== undefined && callId !== call.id)
    ) {
      return this.error(from, toUser, 'not_in_call', callId);
    }
    if (!accept) {
      return this.reject(call, from.id);
    }
    if (call.waitingOn !== undefined) {
      this.switchTo(call);
    }
    this.deps.timers.clear(call.ringTimer);
    this.pushRingEnded(call, 'answered_elsewhere');
    call.state = 'active';
    call.calleeSession = from.id;
    this.callOfSession.set(from.id, call);
    this.deps.outbox.send(call.callerSession, {
      type: 'call_back',
      fromUser: call.callee,
      toUser: call.caller,
      callId: call.id,
      msg: '1',
    });
    this.hangUpOtherCalleeSessions(call, from.id, 'answered_elsewhere');
    if (this.away.has(call.callerSession)) {
      this.sendPeerStatus(call, from.id, 'reconnecting');
    }
    this.notify((o) => o.callAnswered?.(call, this.now()));
  }

  /**
   * offer / answer / _ice / media_state: only between the two bound sessions of an active call.
   * Hot path: two map look-ups and one message object; the SDP is passed through untouched.
   */
  relay(from: SessionRef, request: SdpRequest | IceRequest | MediaStateRequest): void {
    const call = this.callOfSession.get(from.id);
    const peerSession = call?.state === 'active' ? this.peerSession(call, from.id) : undefined;
    const peerUser = call?.caller === from.username ? call.callee : call?.caller;
    if (
      !call ||
      !peerSession ||
      peerUser !== request.toUser ||
      (request.callId !== undefined && request.callId !== call.id)
    ) {
      return this.error(from, request.toUser, 'not_in_call', request.callId);
    }
    const envelope = { fromUser: from.username, toUser: peerUser, callId: call.id };
    this.deps.outbox.send(peerSession, relayed(request, envelope));
  }

  /**
   * hangup: the caller cancels a ringing call, a callee session rejects it, a bound session ends an
   * active one. From any other session, or naming another call (a late hangup of a call that
   * already ended), it is a silent no-op: seed clients answer every hangup with one of their own.
   */
  hangup(from: SessionRef, toUser: string, code: ClientHangupCode = 'hangup', callId?: string) {
    const call = this.callWith(from.username, toUser);
    if (
      !call ||
      toUser !== (call.caller === from.username ? call.callee : call.caller) ||
      (callId !== undefined && callId !== call.id)
    ) {
      return;
    }
    if (call.state === 'ringing') {
      if (from.id === call.callerSession) {
        this.hangUpCalleeSessions(call, 'cancelled');
        this.end(call, 'cancelled');
      } else if (from.username === call.callee) {
        this.reject(call, from.id);
      }
      return;
    }
    const peerSession = this.peerSession(call, from.id);
    if (peerSession) {
      this.sendHangup(call, peerSession, code, from.username);
      this.end(call, code);
    }
  }

  /** A session of `username` opened while that user is being rung: it rings too. */
  sessionOpened(session: SessionRef): void {
    const call = this.callOfUser.get(session.username);
    if (call?.state === 'ringing' && call.callee === session.username) {
      this.ring(call, session.id);
    }
  }

  /**
   * v2: the session's socket dropped and it waits for a resume. It stays in its call and in the
   * directory (what is sent to it is kept for replay); the peer of an active call is told.
   */
  sessionAway(session: SessionRef): void {
    this.away.add(session.id);
    this.tellPeer(session, 'reconnecting');
  }

  /** v2: the session resumed on a new socket (a takeover of a socket that looked open is no news). */
  sessionBack(session: SessionRef): void {
    if (this.away.delete(session.id)) {
      this.tellPeer(session, 'connected');
    }
  }

  /** The session's call as seen from its side, or null: what `resumed` tells the client. */
  callOf(session: SessionRef): ResumedCall | null {
    const call = this.callOfUser.get(session.username);
    const role = call?.caller === session.username ? 'caller' : 'callee';
    const ownSession = role === 'caller' ? call?.callerSession : call?.calleeSession;
    if (!call || (ownSession !== undefined && ownSession !== session.id)) {
      return null; // another session of this user holds the call
    }
    const peer = role === 'caller' ? call.callee : call.caller;
    return { callId: call.id, state: call.state, peer, role };
  }

  /** A session closed or was dropped (the directory no longer lists it). */
  sessionClosed(session: SessionRef): void {
    this.away.delete(session.id);
    const call = this.callOfUser.get(session.username);
    if (!call) {
      return;
    }
    if (call.state === 'active') {
      const peerSession = this.peerSession(call, session.id);
      if (peerSession) {
        this.sendHangup(call, peerSession, 'disconnected', session.username);
        this.end(call, 'disconnected');
      }
    } else if (session.id === call.callerSession) {
      this.hangUpCalleeSessions(call, 'disconnected');
      this.end(call, 'disconnected');
    } else if (
      session.username === call.callee &&
      call.pushed === undefined && // its devices ring on by push
      this.deps.directory.sessionsOf(call.callee).length === 0
    ) {
      this.systemReplyTo(call.callerSession, call.caller, call.callee, 'offline', call.id);
      this.end(call, 'offline');
    }
  }

  /** Server shutdown: everyone in a call is told why, and every call ends. */
  shutdown(): void {
    this.waitingFor.clear(); // nothing is to ring on once its user's call ends
    for (const call of [...this.calls.values()]) {
      if (call.state === 'ringing') {
        this.sendHangup(call, call.callerSession, 'server_shutdown', SYSTEM_USER);
        this.hangUpCalleeSessions(call, 'server_shutdown');
      } else {
        this.sendHangup(call, call.callerSession, 'server_shutdown', SYSTEM_USER);
        this.sendHangup(call, call.calleeSession!, 'server_shutdown', SYSTEM_USER);
      }
      this.end(call, 'server_shutdown');
    }
  }

  private tellPeer(session: SessionRef, status: PeerStatusMessage['status']): void {
    const call = this.callOfSession.get(session.id);
    const peerSession = call?.state === 'active' ? this.peerSession(call, session.id) : undefined;
    if (call && peerSession) {
      this.sendPeerStatus(call, peerSession, status);
    }
  }

  private sendPeerStatus(call: Call, to: string, status: PeerStatusMessage['status']): void {
    const toCaller = to === call.callerSession;
    this.deps.outbox.send(to, {
      type: 'peer_status',
      fromUser: toCaller ? call.callee : call.caller,
      toUser: toCaller ? call.caller : call.callee,
      callId: call.id,
      status,
    });
  }

  private ringTimedOut(call: Call): void {
    if (this.calls.get(call.id) !== call || call.state !== 'ringing') {
      return;
    }
    this.systemReplyTo(call.callerSession, call.caller, call.callee, 'no_answer', call.id);
    this.hangUpCalleeSessions(call, 'missed');
    this.end(call, 'no_answer');
  }

  private reject(call: Call, rejectingSession: string | undefined): void {
    this.deps.outbox.send(call.callerSession, {
      type: 'call_back',
      fromUser: call.callee,
      toUser: call.caller,
      callId: call.id,
      msg: '0',
      code: 'rejected',
    });
    this.hangUpOtherCalleeSessions(call, rejectingSession, 'rejected_elsewhere');
    this.end(call, 'rejected');
  }

  private ring(call: Call, sessionId: string): void {
    this.deps.outbox.send(sessionId, {
      type: 'call_start',
      fromUser: call.caller,
      toUser: call.callee,
      callId: call.id,
      msg: '1',
      ...(call.waitingOn === undefined ? {} : { waiting: true }),
    });
  }

  /** The call `user` has with `peer`: one waiting on `user`, else `user`'s current call. */
  private callWith(user: string, peer: string): Call | undefined {
    const waiting = this.waitingFor.get(user);
    return waiting?.caller === peer ? waiting : this.callOfUser.get(user);
  }

  /**
   * Call waiting: the session a second caller may ring while `user` is in `current`: the one
   * `user` talks on, if it speaks protocol 2 (a protocol 1 client could not tell the calls apart)
   * and no one waits on it yet; otherwise the caller hears `busy`.
   */
  private waitableSession(
    current: Call,
    user: string,
    sessions: readonly SessionRef[],
  ): SessionRef | undefined {
    if (current.state !== 'active' || this.waitingFor.has(user)) {
      return undefined;
    }
    const own = current.caller === user ? current.callerSession : current.calleeSession;
    return sessions.find((session) => session.id === own && session.protocol === 2);
  }

  /**
   * Call waiting, "End & accept": the callee's current call ends (its peer hears `switched`) and
   * the waiting call takes its place as the callee's call.
   */
  private switchTo(call: Call): void {
    this.waitingFor.delete(call.callee);
    call.waitingOn = undefined;
    // A call still waiting has its callee's active call beside it (were it over, promoteWaiting
    // would have made this one an ordinary call), and both of that call's sessions are bound.
    const current = this.callOfUser.get(call.callee)!;
    const peer = current.caller === call.callee ? current.calleeSession! : current.callerSession;
    this.sendHangup(current, peer, 'switched', call.callee);
    this.end(current, 'switched');
    this.callOfUser.set(call.callee, call);
  }

  /**
   * Call waiting: `user`'s call ended while another was waiting on them: that one now rings as
   * any call, on all of their sessions (the one it rang on already shows it); with none left, the
   * caller hears `offline`.
   */
  private promoteWaiting(user: string): void {
    const call = this.waitingFor.get(user);
    if (!call) {
      return;
    }
    this.waitingFor.delete(user);
    const rung = call.waitingOn;
    call.waitingOn = undefined;
    this.callOfUser.set(user, call);
    const sessions = this.deps.directory.sessionsOf(user);
    if (sessions.length === 0) {
      this.systemReplyTo(call.callerSession, call.caller, call.callee, 'offline', call.id);
      return this.end(call, 'offline');
    }
    for (const session of sessions) {
      if (session.id !== rung) {
        this.ring(call, session.id);
      }
    }
  }

  /**
   * Web Push (issue 21): a call declined from a notification (POST /calls/<callId>/decline), as
   * the callee's page would decline it. False when it is not ringing `callee`.
   */
  declineRinging(callId: string, callee: string): boolean {
    const call = this.calls.get(callId);
    if (!call || !this.isRinging(callId, callee)) {
      return false;
    }
    this.reject(call, undefined);
    return true;
  }

  /** Web Push (issue 21): the devices rung by push stop ringing (once; answered or not). */
  private pushRingEnded(call: Call, reason: PushRingEndReason): void {
    const devices = call.pushed;
    if (devices) {
      call.pushed = undefined;
      this.deps.push?.ringEnded(call.id, reason, { to: call.callee, devices });
    }
  }

  /** Web Push (issue 21): whether `callId` is ringing `callee` (POST /calls/<id>/decline asks). */
  isRinging(callId: string, callee: string): boolean {
    const call = this.calls.get(callId);
    return call?.state === 'ringing' && call.callee === callee;
  }

  private end(call: Call, code: EndCode): void {
    this.deps.timers.clear(call.ringTimer);
    if (call.state === 'ringing') {
      this.pushRingEnded(call, pushRingEndReason(code));
    }
    this.calls.delete(call.id);
    for (const user of [call.caller, call.callee]) {
      if (this.callOfUser.get(user) === call) {
        this.callOfUser.delete(user); // a waiting call's callee is still in their other call
      }
    }
    if (this.waitingFor.get(call.callee) === call) {
      this.waitingFor.delete(call.callee);
    }
    this.callOfSession.delete(call.callerSession);
    if (call.calleeSession) {
      this.callOfSession.delete(call.calleeSession);
    }
    this.notify((o) => o.callEnded?.(call, code, this.now()));
    this.promoteWaiting(call.caller);
    this.promoteWaiting(call.callee);
  }

  private peerSession(call: Call, sessionId: string): string | undefined {
    if (sessionId === call.callerSession) {
      return call.calleeSession;
    }
    return sessionId === call.calleeSession ? call.callerSession : undefined;
  }

  private hangUpCalleeSessions(call: Call, code: HangupCode): void {
    this.hangUpOtherCalleeSessions(call, undefined, code);
  }

  private hangUpOtherCalleeSessions(call: Call, except: string | undefined, code: HangupCode) {
    const rung =
      call.waitingOn === undefined
        ? this.deps.directory.sessionsOf(call.callee).map((session) => session.id)
        : [call.waitingOn];
    for (const session of rung) {
      if (session !== except) {
        this.sendHangup(call, session, code, code === 'cancelled' ? call.caller : SYSTEM_USER);
      }
    }
  }

  private sendHangup(call: Call, sessionId: string, code: HangupCode, fromUser: string): void {
    const toCaller = sessionId === call.callerSession;
    const peer = toCaller ? call.callee : call.caller;
    this.deps.outbox.send(sessionId, {
      type: 'hangup',
      fromUser,
      toUser: toCaller ? call.caller : call.callee,
      callId: call.id,
      code,
      msg: sentence(code, peer),
    });
  }

  /**
   * A call that rings nobody but is still an attempt: the callee's history shows it as missed
   * (unless it is hidden from them), the caller's too, and only the caller hears back.
   */
  private attempt(
    from: SessionRef,
    toUser: string,
    code: 'offline' | 'busy' | 'unavailable',
    hiddenFromCallee = false,
  ): void {
    const attempt: CallSummary = {
      ...this.summary(this.newCallId(), from, toUser),
      ...(hiddenFromCallee ? { hiddenFromCallee } : {}),
    };
    const at = this.now();
    this.notify((o) => o.callStarted?.(attempt, at));
    this.notify((o) => o.callEnded?.(attempt, code, at));
    this.systemReply(from, toUser, code, attempt.id);
  }

  /** A call_start refused before it could ring (the caller's limits): only the caller hears. */
  refuse(from: SessionRef, toUser: string, refusal: CallStartRefusal): void {
    this.deps.outbox.send(from.id, rateLimitedReply(from.username, toUser, refusal));
  }

  private systemReply(from: SessionRef, toUser: string, code: CallBackCode, callId?: string) {
    this.systemReplyTo(from.id, from.username, toUser, code, callId);
  }

  private systemReplyTo(
    sessionId: string,
    username: string,
    peer: string,
    code: CallBackCode,
    callId?: string,
  ): void {
    this.deps.outbox.send(sessionId, {
      type: 'call_back',
      fromUser: SYSTEM_USER,
      toUser: username,
      ...(callId === undefined ? {} : { callId }),
      msg: sentence(code, peer),
      code,
    });
  }

  private error(
    from: SessionRef,
    peer: string,
    code: 'not_in_call' | 'already_in_call',
    callId?: string,
  ) {
    this.deps.outbox.send(from.id, {
      type: 'error',
      fromUser: SYSTEM_USER,
      toUser: from.username,
      ...(callId === undefined ? {} : { callId }),
      code,
      msg: sentence(code, peer),
    });
  }

  private summary(id: string, from: SessionRef, toUser: string): CallSummary {
    return {
      id,
      caller: from.username,
      callee: toUser,
      callerSession: from.id,
      calleeSession: undefined,
    };
  }

  private notify(event: (observer: CallObserver) => void): void {
    for (const observer of this.deps.observers) {
      event(observer);
    }
  }
}

/** The message the peer receives: the request's payload in the server's envelope. */
function relayed(
  request: SdpRequest | IceRequest | MediaStateRequest,
  envelope: { fromUser: string; toUser: string; callId: string },
): ServerMessage {
  switch (request.type) {
    case '_ice':
      return { type: '_ice', ...envelope, iceCandidate: request.iceCandidate };
    case 'media_state':
      return { ...request, ...envelope };
    default:
      return { type: request.type, ...envelope, sdp: request.sdp };
  }
}
