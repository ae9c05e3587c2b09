import type { Logger } from '@nestjs/common';
import type { RawData } from 'ws';
import { WebSocket } from 'ws';
import type { CallPolicy } from '../privacy/call-policy.js';
import { pushDeviceKey } from '../push/push-device-key.js';
import type { CallSwitch } from './call-switch.js';
import type { CallAccess } from './call-machine.types.js';
import type { CallStartGate } from './call-start-limiter.js';
import { BadFrame, parseClientMessage } from './dto/parse-client-message.js';
import { type ControlMessage, PROTOCOL_V2, PROTOCOL_VERSION, SUBPROTOCOL_V2 } from './protocol.js';
import { type SignalingSession, sessionFields } from './signaling-session.js';

/** What SignalingGateway hands a session's frames to, on either engine. */
export interface FrameContext {
  calls: CallSwitch;
  callStarts: CallStartGate;
  policy: CallPolicy;
  logger: Logger;
  /** Whether the session still exists here once the account look-up has answered. */
  live(session: SignalingSession): boolean;
  /** Web Push (issue 21): a callee's subscribed devices (pushDeviceKeys). */
  push?: { devicesOf(username: string): Promise<string[]> };
  /**
   * Web Push (issue 21): push_device, the page's browser is this subscribed device (its
   * pushDeviceKey; undefined: none). Absent: the message is accepted and has no effect.
   */
  linkPushDevice?(session: SignalingSession, device: string | undefined): void | Promise<void>;
}

/**
 * One client frame of a session: rate limit, parse, then the call switch. The relay path is a
 * parse and one call-switch call; a promise is returned only when the work is asynchronous.
 */
export function dispatchFrame(
  context: FrameContext,
  session: SignalingSession,
  data: RawData,
  isBinary: boolean,
): void | Promise<void> {
  session.silence?.heard();
  if (session.closedByServer || !session.admit()) {
    return; // a session the server is closing (logged out, deleted…) asks for nothing more
  }
  if (isBinary) {
    return session.sendError('bad_request', 'Binary frames are not accepted; send JSON text.');
  }
  // ws delivers text frames as Buffers (binaryType 'nodebuffer').
  const v2 = session.resumable !== undefined || session.socket.protocol === SUBPROTOCOL_V2;
  const message = parseClientMessage(
    (data as Buffer).toString(),
    v2 ? PROTOCOL_V2 : PROTOCOL_VERSION,
  );
  if (message instanceof BadFrame) {
    return session.sendError('bad_request', `Bad message: ${message.problem}.`);
  }
  const { calls } = context;
  switch (message.type) {
    case 'offer':
    case 'answer':
    case '_ice':
    case 'media_state':
      return calls.relay(session, message);
    case 'call_start':
      return startCall(context, session, message.toUser);
    case 'call_back':
      return calls.answer(session, message.toUser, message.msg === '1', message.callId);
    case 'hangup':
      return calls.hangup(session, message.toUser, message.code, message.callId);
    case 'push_device':
      return context.linkPushDevice?.(
        session,
        message.endpoint === null ? undefined : pushDeviceKey(message.endpoint),
      );
    case 'ping':
      return sendControl(session.socket, { type: 'pong' });
    case 'resume':
      return session.sendError(
        'bad_request',
        'Bad message: resume must be the first message on a new socket.',
      );
  }
}

/**
 * Ring-bombing limits first (before any database work), then the account and privacy look-up,
 * which runs alike for every callee, online or not, so that its timing tells a caller nothing.
 */
async function startCall(
  context: FrameContext,
  session: SignalingSession,
  toUser: string,
): Promise<void> {
  const refusal = await context.callStarts.refusalOf(session.username, toUser);
  if (refusal) {
    session.metrics?.rateLimited('call_starts');
    return context.calls.refuse(session, toUser, refusal);
  }
  let access: CallAccess;
  let pushDevices: string[] = [];
  try {
    access = await context.policy.access(session.user.id, toUser);
    // Web Push (issue 21): asked for every existing callee, refused or not, so that a refused
    // caller's answer takes as long as anyone's; only an allowed call acts on it.
    if (context.push && access !== 'unknown_user') {
      pushDevices = await context.push.devicesOf(toUser);
    }
  } catch (error) {
    context.logger.error({ msg: 'account look-up failed', ...sessionFields(session), err: error });
    return session.sendError('server_error');
  }
  if (context.live(session)) {
    return context.calls.start(session, toUser, access, pushDevices);
  }
}

/** A v2 frame about the socket, not the session: no `seq`, never kept for replay. */
export function sendControl(socket: WebSocket, message: ControlMessage): void {
  if (socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(message));
  }
}
