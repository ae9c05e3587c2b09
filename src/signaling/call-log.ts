import { Logger } from '@nestjs/common';
import type { CallObserver, CallSummary, EndCode } from './call-machine.types.js';

/**
 * A line for each change of a call's state. `sessionId` is the caller's session, `peerSessionId`
 * the callee's once one answered, so that a session's lines and its calls' lines read together.
 */
export class CallLog implements CallObserver {
  private readonly logger = new Logger('Calls');

  callStarted(call: CallSummary): void {
    this.logger.log({ msg: 'call started', ...callFields(call) });
  }

  callAnswered(call: CallSummary): void {
    this.logger.log({ msg: 'call answered', ...callFields(call) });
  }

  callEnded(call: CallSummary, code: EndCode): void {
    this.logger.log({ msg: 'call ended', ...callFields(call), code });
  }
}

function callFields(call: CallSummary) {
  return {
    callId: call.id,
    sessionId: call.callerSession,
    peerSessionId: call.calleeSession,
    caller: call.caller,
    callee: call.callee,
  };
}
