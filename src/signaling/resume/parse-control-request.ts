import type { ControlRequest } from '../protocol.js';

/** Server-issued session ids are UUIDs and tokens 43 characters; anything far longer is no guess. */
const MAX_ID_CHARS = 64;
const MAX_TOKEN_CHARS = 128;

/**
 * A v2 `ping` or `resume` frame (already JSON-parsed, `type` checked by the caller), or the
 * problem with it.
 */
export function parseControlRequest(frame: Record<string, unknown>): ControlRequest | string {
  if (frame.type === 'ping') {
    return { type: 'ping' };
  }
  const { sessionId, resumeToken, lastSeq } = frame;
  if (typeof sessionId !== 'string' || sessionId.length > MAX_ID_CHARS) {
    return `sessionId must be a string of at most ${MAX_ID_CHARS} characters`;
  }
  if (typeof resumeToken !== 'string' || resumeToken.length > MAX_TOKEN_CHARS) {
    return `resumeToken must be a string of at most ${MAX_TOKEN_CHARS} characters`;
  }
  if (typeof lastSeq !== 'number' || !Number.isSafeInteger(lastSeq) || lastSeq < 0) {
    return 'lastSeq must be a whole number, 0 or more';
  }
  return { type: 'resume', sessionId, resumeToken, lastSeq };
}
