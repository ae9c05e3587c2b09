import { normalizeUsername } from '../../users/username.js';
import type { ClientMessage, ClientMessageType, IceCandidateInit } from '../protocol.js';
import { CLIENT_HANGUP_CODES, CLIENT_MESSAGE_TYPES } from '../protocol.js';

/** A frame that is not a valid client message: `problem` says what is wrong, for the error reply. */
export class BadFrame {
  constructor(readonly problem: string) {}
}

const MAX_CALL_ID = 64;

/**
 * Validates one text frame into a typed ClientMessage. Hand-written rather than class-validator:
 * it runs on every relayed message, so it checks the envelope cheaply and never looks inside the
 * SDP. Unknown fields, including any `fromUser`, are ignored — the server stamps the sender.
 */
export function parseClientMessage(text: string): ClientMessage | BadFrame {
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
  const type = frame.type as ClientMessageType;
  if (!CLIENT_MESSAGE_TYPES.includes(type)) {
    return new BadFrame(`unknown type ${JSON.stringify(frame.type)}`);
  }
  const toUser = normalizeUsername(frame.toUser);
  if (toUser === undefined) {
    return new BadFrame('toUser must be a valid username');
  }
  const callId = frame.callId;
  if (callId !== undefined && (typeof callId !== 'string' || callId.length > MAX_CALL_ID)) {
    return new BadFrame(`callId must be a string of at most ${MAX_CALL_ID} characters`);
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
      return typeof frame.sdp === 'string'
        ? { type, ...envelope, sdp: frame.sdp }
        : new BadFrame('sdp must be a string');
    case '_ice':
      return isCandidate(frame.iceCandidate)
        ? { type, ...envelope, iceCandidate: frame.iceCandidate }
        : new BadFrame('iceCandidate must be an object');
    case 'hangup': {
      const code = frame.code as (typeof CLIENT_HANGUP_CODES)[number] | undefined;
      if (code !== undefined && !CLIENT_HANGUP_CODES.includes(code)) {
        return new BadFrame(`code must be one of ${CLIENT_HANGUP_CODES.join(', ')}`);
      }
      return code === undefined ? { type, ...envelope } : { type, ...envelope, code };
    }
  }
}

function isCandidate(value: unknown): value is IceCandidateInit {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
