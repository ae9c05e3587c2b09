import type { CallBackMessage, CallStartRefusal, MessageCode } from './protocol.js';
import { SYSTEM_USER } from './protocol.js';

/**
 * The readable English sentence the server puts in `msg` for each code. Clients translate by
 * `code` (client i18n); the sentence is for seed 002 clients, which show `msg` as it is.
 */
const SENTENCES: Record<MessageCode, (peer: string) => string> = {
  unknown_user: (peer) => `There is no account named ${peer}.`,
  offline: (peer) => `${peer} is not online right now.`,
  busy: (peer) => `${peer} is in another call.`,
  self: () => 'You cannot call yourself.',
  glare: (peer) => `${peer} is calling you at this moment; answer the incoming call.`,
  no_answer: (peer) => `${peer} did not answer.`,
  rejected: (peer) => `${peer} declined the call.`,
  unavailable: (peer) => `${peer} does not take calls right now (do not disturb).`,
  hangup: (peer) => `${peer} hung up.`,
  ice_failed: () => 'The connection could not be established or was lost.',
  media_failed: (peer) => `${peer} could not use a camera or microphone.`,
  cancelled: (peer) => `${peer} cancelled the call.`,
  missed: (peer) => `You missed a call from ${peer}.`,
  answered_elsewhere: () => 'The call was answered on another device.',
  rejected_elsewhere: () => 'The call was declined on another device.',
  switched: (peer) => `${peer} took another call.`,
  disconnected: (peer) => `${peer} lost the connection.`,
  server_shutdown: () => 'The server is restarting; please call again in a moment.',
  bad_request: () => 'The message was not understood.',
  not_in_call: (peer) => `You are not in a call with ${peer}.`,
  already_in_call: () => 'You are already in a call.',
  rate_limited: () => 'Too many requests in a short time; wait a moment, then try again.',
  server_error: () => 'The server could not complete that; please try again.',
};

export function sentence(code: MessageCode, peer: string): string {
  return SENTENCES[code](peer);
}

/**
 * The one reply to a call_start refused by the caller's limits (both engines): `rate_limited`
 * with why (`reason`) and for how long (`retryAfter`, seconds), which the call page counts down.
 */
export function rateLimitedReply(
  username: string,
  peer: string,
  { reason, retryAfter }: CallStartRefusal,
): CallBackMessage {
  return {
    type: 'call_back',
    fromUser: SYSTEM_USER,
    toUser: username,
    msg: sentence('rate_limited', peer),
    code: 'rate_limited',
    retryAfter,
    reason,
  };
}
