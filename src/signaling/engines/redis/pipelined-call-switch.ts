import type { CallAccess, SessionRef } from '../../call-machine.types.js';
import type { CallStartRefusal, ClientHangupCode } from '../../protocol.js';
import type { CallSwitch, RelayRequest } from '../../call-switch.js';

/**
 * A session's frames must take effect in order, but they need not wait for each other's replies:
 * one connection carries every command to Redis in the order it was issued, and Redis runs them,
 * and publishes what they send, in that order. So a relay, an answer or a hang-up — each one
 * script — returns as soon as it is issued, and the next frame of the session is handled at once;
 * only steps with more than one round trip (call_start looks the callee up in the database first)
 * hold the session's next frames back (SessionLink). A failure is reported to `failed`.
 */
export class PipelinedCallSwitch implements CallSwitch {
  constructor(
    private readonly calls: CallSwitch,
    private readonly failed: (session: SessionRef, error: unknown) => void,
  ) {}

  isInCall(sessionId: string): boolean | Promise<boolean> {
    return this.calls.isInCall(sessionId);
  }

  start(
    from: SessionRef,
    toUser: string,
    access: CallAccess,
    pushDevices?: readonly string[],
  ): void | Promise<void> {
    return this.calls.start(from, toUser, access, pushDevices);
  }

  answer(from: SessionRef, toUser: string, accept: boolean, callId?: string): void {
    this.issue(from, this.calls.answer(from, toUser, accept, callId));
  }

  relay(from: SessionRef, request: RelayRequest): void {
    this.issue(from, this.calls.relay(from, request));
  }

  hangup(from: SessionRef, toUser: string, code?: ClientHangupCode, callId?: string): void {
    this.issue(from, this.calls.hangup(from, toUser, code, callId));
  }

  refuse(from: SessionRef, toUser: string, refusal: CallStartRefusal): void {
    this.issue(from, this.calls.refuse(from, toUser, refusal));
  }

  private issue(from: SessionRef, issued: void | Promise<void>): void {
    issued?.catch((error: unknown) => this.failed(from, error));
  }
}
