import { normalizeUsername } from '../../users/username.js';
import type {
  ClientMessage,
  ClientMessageType,
  ControlRequest,
  PushDeviceRequest,
} from '../protocol.js';
import {
  CALL_ID_PATTERN,
  CLIENT_HANGUP_CODES,
  CLIENT_MESSAGE_TYPES,
  MAX_PUSH_ENDPOINT_CHARS,
  MAX_SDP_CHARS,
  PROTOCOL_V2,
  PROTOCOL_VERSION,
} from '../protocol.js';
import { parseControlRequest } from '../resume/parse-control-request.js';
import { parseIceCandidate } from './parse-ice-candidate.js';

/**
 * A frame that is not a valid client message: `problem` says what is wrong, for the error reply.
 * It never quotes the frame: a reply must not carry what a client sent (a value nested 30,000
 * deep cannot even be stringified, and an echo doubles what an attacker makes the server send).
 */
export class BadFrame {
  constructor(readonly problem: string) {}
}

const TYPES_PROBLEM = `type must be one of ${[...CLIENT_MESSAGE_TYPES, 'push_device'].join(', ')}`;

/**
 * Validates one text frame into a typed ClientMessage. Hand-written rather than class-validator:
 * it runs on every relayed message, so it checks the envelope cheaply and never looks inside the
 * SDP. Unknown fields, including any `fromUser`, are ignored — the server stamps the sender — and
 * the result is built afresh from the known fields only, each a primitive of bounded length, so
 * nothing a client nests ever reaches a reply or a peer.
 */
export function parseClientMessage(text: string): ClientMessage | PushDeviceRequest | BadFrame;
/** Protocol 2 adds `ping` and `resume`. */
export function parseClientMessage(
  text: string,
  protocol: number,
): ClientMessage | PushDeviceRequest | ControlRequest | BadFrame;
export function parseClientMessage(
  text: string,
  protocol: number = PROTOCOL_VERSION,
): ClientMessage | PushDeviceRequest | ControlRequest | BadFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return new BadFrame('the frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return new BadFrame('the frame must be a JSON object');
  }
  const frame = value as Record<string, unknown>;
  if (protocol === PROTOCOL_V2 && (frame.type === 'ping' || frame.type === 'resume')) {
    const control = parseControlRequest(frame); // v1 answers these as unknown types, as before
    return typeof control === 'string' ? new BadFrame(control) : control;
  }
  if (frame.type === 'push_device') {
    return parsePushDevice(frame);
  }
  const type = frame.type as ClientMessageType;
  if (!CLIENT_MESSAGE_TYPES.includes(type)) {
    return new BadFrame(TYPES_PROBLEM);
  }
  const toUser = normalizeUsername(frame.toUser);
  if (toUser === undefined) {
    return new BadFrame('toUser must be a valid username');
  }
  const callId = frame.callId;
  if (callId !== undefined && (typeof callId !== 'string' || !CALL_ID_PATTERN.test(callId))) {
    return new BadFrame('callId must be 1 to 64 letters, digits or _ . : -');
  }
  const envelope = callId === undefined ? { toUser } : { toUser, callId };
  switch (type) {
    case 'call_start':
      return { type, ...envelope };
    case 'call_back':
      return frame.msg === '1' || frame.msg === '0'
        ? { type, ...envelope, msg: frame.msg }
        : new BadFrame('msg must be "1" (accept) or "0" (reject)');
    case 'offer':
    case 'answer':
      return typeof frame.sdp === 'string' && frame.sdp.length <= MAX_SDP_CHARS
        ? { type, ...envelope, sdp: frame.sdp }
        : new BadFrame(`sdp must be a string of at most ${MAX_SDP_CHARS} characters`);
    case '_ice': {
      const iceCandidate = parseIceCandidate(frame.iceCandidate);
      return typeof iceCandidate === 'string'
        ? new BadFrame(iceCandidate)
        : { type, ...envelope, iceCandidate };
    }
    case 'media_state':
      // Strict: a "false" string or a 0 would read as the opposite of what the sender meant.
      if (typeof frame.audio !== 'boolean' || typeof frame.video !== 'boolean') {
        return new BadFrame('audio and video must be true or false');
      }
      if (frame.screen !== undefined && typeof frame.screen !== 'boolean') {
        return new BadFrame('screen, when given, must be true or false');
      }
      return frame.screen === undefined
        ? { type, ...envelope, audio: frame.audio, video: frame.video }
        : { type, ...envelope, audio: frame.audio, video: frame.video, screen: frame.screen };
    case 'hangup': {
      const code = frame.code as (typeof CLIENT_HANGUP_CODES)[number] | undefined;
      if (code !== undefined && !CLIENT_HANGUP_CODES.includes(code)) {
        return new BadFrame(`code must be one of ${CLIENT_HANGUP_CODES.join(', ')}`);
      }
      return code === undefined ? { type, ...envelope } : { type, ...envelope, code };
    }
  }
}

/** push_device (Web Push, issue 21): an endpoint of bounded length, or null. */
function parsePushDevice(frame: Record<string, unknown>): PushDeviceRequest | BadFrame {
  const { endpoint } = frame;
  if (endpoint === null) {
    return { type: 'push_device', endpoint };
  }
  if (
    typeof endpoint !== 'string' ||
    endpoint.length === 0 ||
    endpoint.length > MAX_PUSH_ENDPOINT_CHARS
  ) {
    return new BadFrame(
      `endpoint must be null or a string of 1 to ${MAX_PUSH_ENDPOINT_CHARS} characters`,
    );
  }
  return { type: 'push_device', endpoint };
}
