/**
 * Dialtone's signaling protocol: the one typed definition of every message, shared by the server
 * and the browser client (client/ imports this file). Message names and fields follow seed 002
 * (`type`, `fromUser`, `toUser`, `msg`, `sdp`, `iceCandidate`); Dialtone adds `callId` and `code`.
 * See docs/protocol.md. Pure: no Node or DOM dependencies.
 */

export const PROTOCOL_VERSION = 1;
export const SIGNALING_PATH = '/signaling';
/** Frames larger than this close the socket with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024;
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
export interface HangupRequest extends ClientEnvelope {
  type: 'hangup';
  /** Why the client hangs up; the peer receives it. Defaults to "hangup". */
  code?: ClientHangupCode;
}

export type ClientMessage =
  CallStartRequest | CallBackRequest | SdpRequest | IceRequest | HangupRequest;
export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = [
  'call_start',
  'call_back',
  'offer',
  'answer',
  '_ice',
  'hangup',
];

// ---------------------------------------------------------------- codes

/** Why a call_start did not ring anyone, or how it was answered (`fromUser` "system" unless rejected). */
export type CallBackCode =
  'unknown_user' | 'offline' | 'busy' | 'self' | 'glare' | 'no_answer' | 'rejected';

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
  /** Replaced: the user opened more than MAX_SESSIONS_PER_USER sessions. */
  SESSION_REPLACED: 4000,
  /** The access token expired; log in again. */
  TOKEN_EXPIRED: 4001,
} as const;

// ---------------------------------------------------------------- server -> client

export interface WelcomeMessage {
  type: 'welcome';
  protocol: typeof PROTOCOL_VERSION;
  sessionId: string;
  user: { username: string; displayName: string };
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
}
/** To the caller: accepted (msg "1"), rejected (msg "0", code "rejected"), or a system reply. */
export interface CallBackMessage extends Omit<ServerEnvelope, 'callId'> {
  type: 'call_back';
  /** Absent only when no call was created (code "unknown_user" or "self"). */
  callId?: string;
  /** "1", "0", or a readable sentence for system replies (seed 002 shows it to the user). */
  msg: string;
  code?: CallBackCode;
}
export interface RelayedSdpMessage extends ServerEnvelope {
  type: 'offer' | 'answer';
  sdp: string;
}
export interface RelayedIceMessage extends ServerEnvelope {
  type: '_ice';
  iceCandidate: IceCandidateInit;
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

export type ServerMessage =
  | WelcomeMessage
  | RingingMessage
  | IncomingCallMessage
  | CallBackMessage
  | RelayedSdpMessage
  | RelayedIceMessage
  | HangupMessage
  | ErrorMessage;
export type ServerMessageType = ServerMessage['type'];

/** The server message (or messages) whose `type` can be T, e.g. ServerMessageOf<'offer'>. */
export type ServerMessageOf<T extends ServerMessageType> = ServerMessage extends infer M
  ? M extends { type: infer U }
    ? T extends U
      ? M
      : never
    : never
  : never;
