/**
 * Dialtone's signaling protocol: the one typed definition of every message, shared by the server
 * and the browser client (client/ imports this file). Message names and fields follow seed 002
 * (`type`, `fromUser`, `toUser`, `msg`, `sdp`, `iceCandidate`); Dialtone adds `callId` and `code`.
 * See docs/protocol.md. Pure: no Node or DOM dependencies.
 */

export const PROTOCOL_VERSION = 1;
/** Version 2 (session resume) is opt-in: the client asks for this WebSocket subprotocol. */
export const PROTOCOL_V2 = 2;
export const SUBPROTOCOL_V2 = 'dialtone.v2';
/** A v2 client sends `ping` this often; the server drops a socket silent for WS_SILENCE_TIMEOUT_MS. */
export const V2_PING_INTERVAL_MS = 10_000;
export const SIGNALING_PATH = '/signaling';
/** Frames larger than this close the socket with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024;
/**
 * Longest `sdp` of an offer or answer, in characters. Browsers' offers are 2–12 KB (audio, video,
 * data channel, simulcast); 32 Ki leaves room for many more media sections while halving what one
 * relayed message can make the server hold for a peer.
 */
export const MAX_SDP_CHARS = 32 * 1024;
/** Longest `iceCandidate.candidate`: an RFC 8839 candidate line is 100–250 characters. */
export const MAX_ICE_CANDIDATE_CHARS = 1024;
/** Longest `iceCandidate.sdpMid` and `usernameFragment` (RFC 8839: an ice-ufrag is at most 256). */
export const MAX_ICE_TAG_CHARS = 256;
/** A `callId` the client sends back: the server issues UUIDs; this is what the server accepts. */
export const CALL_ID_PATTERN = /^[\w.:-]{1,64}$/;
/** `fromUser` of replies the server itself writes. */
export const SYSTEM_USER = 'system';

/** `msg` of call_start, and of call_back when the callee accepts ("1") or rejects ("0"). */
export type Answer = '1' | '0';

// ---------------------------------------------------------------- client -> server

export interface IceCandidateInit {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

interface ClientEnvelope {
  /** The other party's username. */
  toUser: string;
  /** Optional: when present it must name the caller's current call. */
  callId?: string;
}

export interface CallStartRequest extends ClientEnvelope {
  type: 'call_start';
}
export interface CallBackRequest extends ClientEnvelope {
  type: 'call_back';
  msg: Answer;
}
export interface SdpRequest extends ClientEnvelope {
  type: 'offer' | 'answer';
  sdp: string;
}
export interface IceRequest extends ClientEnvelope {
  type: '_ice';
  iceCandidate: IceCandidateInit;
}
/**
 * What this side is sending, so that the peer can say "alice turned their camera off". Relayed
 * like `offer`, only between the two bound sessions of an active call.
 */
export interface MediaStateRequest extends ClientEnvelope {
  type: 'media_state';
  /** False while the microphone is muted or missing. */
  audio: boolean;
  /** False while the camera is off or missing. */
  video: boolean;
  /** True while the video sent is a shared screen, window or tab instead of the camera. */
  screen?: boolean;
}
export interface HangupRequest extends ClientEnvelope {
  type: 'hangup';
  /** Why the client hangs up; the peer receives it. Defaults to "hangup". */
  code?: ClientHangupCode;
}

export type ClientMessage =
  CallStartRequest | CallBackRequest | SdpRequest | IceRequest | MediaStateRequest | HangupRequest;
export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = [
  'call_start',
  'call_back',
  'offer',
  'answer',
  '_ice',
  'media_state',
  'hangup',
];

/**
 * Web Push (issue 21): "this page runs in the browser whose push subscription has this endpoint"
 * (`PushSubscription.endpoint`, or null when this browser has none any more). Sent after each
 * `welcome` and whenever the page subscribes or unsubscribes. While the session is open that
 * device rings on the page and is not rung by push (it would ring twice). No reply; no `toUser`.
 * Only the endpoint's digest is kept, and it only ever matches a subscription of the same account.
 */
export interface PushDeviceRequest {
  type: 'push_device';
  endpoint: string | null;
}
/** Longest `endpoint` of push_device: what POST /push/subscriptions accepts. */
export const MAX_PUSH_ENDPOINT_CHARS = 1024;

// ---------------------------------------------------------------- codes

/**
 * Why a call_start did not ring anyone, or how it was answered (`fromUser` "system" unless
 * rejected). `rate_limited`: the caller rang too often (CALL_STARTS_*, CALL_COOLDOWN).
 * `unavailable`: the callee has do-not-disturb on (the call is recorded as missed for them).
 */
export type CallBackCode =
  | 'unknown_user'
  | 'offline'
  | 'busy'
  | 'self'
  | 'glare'
  | 'no_answer'
  | 'rejected'
  | 'rate_limited'
  | 'unavailable';

/**
 * Why a call_start was refused with `rate_limited` (issue 20): the callee declined a call from
 * this caller moments ago (CALL_COOLDOWN), or the caller rang too often (CALL_STARTS_*).
 */
export type RateLimitReason = 'declined_recently' | 'too_many_calls';

/** A refused call_start: why, and in how many whole seconds the same call would be let through. */
export interface CallStartRefusal {
  reason: RateLimitReason;
  retryAfter: number;
}

/** The reasons a client may give when it hangs up. */
export type ClientHangupCode = 'hangup' | 'ice_failed' | 'media_failed';
export const CLIENT_HANGUP_CODES: readonly ClientHangupCode[] = [
  'hangup',
  'ice_failed',
  'media_failed',
];

/** Why a call ended for the session receiving the hangup. */
export type HangupCode =
  | ClientHangupCode
  | 'cancelled'
  | 'missed'
  | 'answered_elsewhere'
  | 'rejected_elsewhere'
  /** Call waiting: the peer accepted a waiting call, which ended this one. */
  | 'switched'
  | 'disconnected'
  | 'server_shutdown';

export type ErrorCode =
  | 'bad_request'
  | 'not_in_call'
  | 'already_in_call'
  | 'rate_limited'
  /** The server could not complete the request (e.g. the account directory is unreachable). */
  | 'server_error';

export type MessageCode = CallBackCode | HangupCode | ErrorCode;

/** WebSocket close codes the server uses. */
export const CloseCode = {
  /** Server shutting down. */
  GOING_AWAY: 1001,
  /** Kept flooding after being rate limited. */
  POLICY_VIOLATION: 1008,
  /** A frame over MAX_FRAME_BYTES. */
  MESSAGE_TOO_BIG: 1009,
  /** Handling a frame failed unexpectedly; the server logged it (and carries on). */
  INTERNAL_ERROR: 1011,
  /**
   * With REDIS_URL: this instance restarts or lost Redis; a v2 client resumes at once (on another
   * instance), its calls carry on.
   */
  SERVICE_RESTART: 1012,
  /** The client left more than WS_MAX_BUFFERED_BYTES unread; reconnect (and read). */
  TRY_AGAIN_LATER: 1013,
  /** Replaced: the user opened more than MAX_SESSIONS_PER_USER sessions. */
  SESSION_REPLACED: 4000,
  /** The access token expired; log in again. */
  TOKEN_EXPIRED: 4001,
  /** v2: the session was resumed on a newer socket; this one is finished (do not resume). */
  SESSION_TAKEN_OVER: 4002,
  /** v2, sent by a client: it heard nothing on this socket and resumes on a new one. */
  CLIENT_RESUMING: 4003,
} as const;

// ---------------------------------------------------------------- server -> client

export interface WelcomeMessage {
  type: 'welcome';
  protocol: typeof PROTOCOL_VERSION | typeof PROTOCOL_V2;
  sessionId: string;
  user: { username: string; displayName: string };
  /** v2: the secret that resumes this session (once; `resumed` brings the next one). */
  resumeToken?: string;
  /** v2: how long the session waits for a resume after its socket drops. */
  resumeWindowMs?: number;
}

/** v2: a call's party is away (its socket dropped, it may resume) or back. */
export interface PeerStatusMessage extends ServerEnvelope {
  type: 'peer_status';
  status: 'reconnecting' | 'connected';
}

interface ServerEnvelope {
  /** The authenticated sender, or "system" for the server's own replies. */
  fromUser: string;
  toUser: string;
  callId: string;
}

/** To the caller: the callee's sessions are ringing. */
export interface RingingMessage extends ServerEnvelope {
  type: 'ringing';
}
/** To every session of the callee: an incoming call. */
export interface IncomingCallMessage extends ServerEnvelope {
  type: 'call_start';
  msg: '1';
  /**
   * Call waiting (protocol 2 only): the callee is in another call, and only its session in that
   * call is rung; accepting ends that call (its peer hears `hangup` code `switched`).
   */
  waiting?: true;
}
/** To the caller: accepted (msg "1"), rejected (msg "0", code "rejected"), or a system reply. */
export interface CallBackMessage extends Omit<ServerEnvelope, 'callId'> {
  type: 'call_back';
  /** Absent only when no call was created (code "unknown_user" or "self"). */
  callId?: string;
  /** "1", "0", or a readable sentence for system replies (seed 002 shows it to the user). */
  msg: string;
  code?: CallBackCode;
  /** With code "rate_limited": in how many whole seconds the same call_start would ring. */
  retryAfter?: number;
  /** With code "rate_limited": why. */
  reason?: RateLimitReason;
}
export interface RelayedSdpMessage extends ServerEnvelope {
  type: 'offer' | 'answer';
  sdp: string;
}
export interface RelayedIceMessage extends ServerEnvelope {
  type: '_ice';
  iceCandidate: IceCandidateInit;
}
export interface RelayedMediaStateMessage extends ServerEnvelope {
  type: 'media_state';
  audio: boolean;
  video: boolean;
  screen?: boolean;
}
export interface HangupMessage extends ServerEnvelope {
  type: 'hangup';
  code: HangupCode;
  msg: string;
}
export interface ErrorMessage extends Omit<ServerEnvelope, 'callId'> {
  type: 'error';
  callId?: string;
  code: ErrorCode;
  msg: string;
}

// ---------------------------------------------------------------- contacts (server -> client)

/** Someone in a contact list, as the contact events name them. */
export interface ContactSummary {
  username: string;
  displayName: string;
}
interface ContactEnvelope {
  /** Always "system": these events come from the server, not from the contact. */
  fromUser: string;
  toUser: string;
}
/** Someone asked to become your contact (never sent for an account you blocked). */
export interface ContactRequestMessage extends ContactEnvelope {
  type: 'contact_request';
  contact: ContactSummary;
}
/**
 * You and `contact` are now contacts (they accepted your request, or you accepted theirs on another
 * device): from now on each sees the other's presence.
 */
export interface ContactAcceptedMessage extends ContactEnvelope {
  type: 'contact_accepted';
  contact: ContactSummary & { online: boolean };
}
/** `contact` is no longer in your list: removed, a request cancelled or declined, an account gone. */
export interface ContactRemovedMessage extends ContactEnvelope {
  type: 'contact_removed';
  contact: { username: string };
}
/** An accepted contact opened their first session, or closed their last one. */
export interface ContactPresenceMessage extends ContactEnvelope {
  type: 'contact_online' | 'contact_offline';
  contact: { username: string };
}
/** A contact (or someone whose request is waiting) changed their display name. */
export interface ContactRenamedMessage extends ContactEnvelope {
  type: 'contact_renamed';
  contact: ContactSummary;
}
export type ContactMessage =
  | ContactRequestMessage
  | ContactAcceptedMessage
  | ContactRemovedMessage
  | ContactPresenceMessage
  | ContactRenamedMessage;

/**
 * To every session of the callee once a call that rang none of their pages (do-not-disturb
 * refused it, `unavailable`) is in their history as missed: the pages show it in Recent calls, and
 * count it, without a reload. A call that rang a page ends there with its own `hangup`.
 */
export interface MissedCallMessage extends ContactEnvelope {
  type: 'missed_call';
  callId: string;
  /** The caller's username. */
  peer: string;
}

/** What the server tells a user's pages outside any call (ContactEvents carries them). */
export type AccountEventMessage = ContactMessage | MissedCallMessage;

export type ServerMessage =
  | WelcomeMessage
  | RingingMessage
  | IncomingCallMessage
  | CallBackMessage
  | RelayedSdpMessage
  | RelayedIceMessage
  | RelayedMediaStateMessage
  | HangupMessage
  | ErrorMessage
  | PeerStatusMessage
  | AccountEventMessage;

// ---------------------------------------------------------------- v2: resume and liveness

/** v2 client -> server, the first frame of a new socket: continue session `sessionId`. */
export interface ResumeRequest {
  type: 'resume';
  sessionId: string;
  resumeToken: string;
  /** The highest `seq` the client has handled (0 if none). */
  lastSeq: number;
}
/** v2 client -> server, every V2_PING_INTERVAL_MS (browsers cannot send WebSocket pings). */
export interface PingRequest {
  type: 'ping';
}
export type ControlRequest = ResumeRequest | PingRequest;

/** What a resumed session is doing: its call, from its own side. */
export interface ResumedCall {
  callId: string;
  state: 'ringing' | 'active';
  peer: string;
  role: 'caller' | 'callee';
}
export interface ResumedMessage {
  type: 'resumed';
  sessionId: string;
  /** A fresh token: the one just used no longer works. */
  resumeToken: string;
  call: ResumedCall | null;
}
export type ResumeFailedCode = 'expired' | 'unknown' | 'forbidden' | 'throttled';
export interface ResumeFailedMessage {
  type: 'resume_failed';
  code: ResumeFailedCode;
}
export interface PongMessage {
  type: 'pong';
}
/**
 * v2 frames about the socket rather than the session: they carry no `seq` and are never replayed
 * (`resumed`/`resume_failed` precede the session's stream on a new socket, a `pong` answers one
 * socket's ping).
 */
export type ControlMessage = ResumedMessage | ResumeFailedMessage | PongMessage;

/** Everything a server frame can hold; v2 numbers the session's messages with `seq`. */
export type ServerFrame = (ServerMessage & { seq?: number }) | ControlMessage;
export type ServerMessageType = ServerFrame['type'];

/** The server message (or messages) whose `type` can be T, e.g. ServerMessageOf<'offer'>. */
export type ServerMessageOf<T extends ServerMessageType> = ServerFrame extends infer M
  ? M extends { type: infer U }
    ? T extends U
      ? M
      : never
    : never
  : never;
