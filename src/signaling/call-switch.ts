import type { CallAccess, CallObserver, SessionRef } from './call-machine.types.js';
import type {
  CallStartRefusal,
  ClientHangupCode,
  IceRequest,
  MediaStateRequest,
  SdpRequest,
} from './protocol.js';

export type Awaitable<T> = T | Promise<T>;

/** What `offer`, `answer`, `_ice` and `media_state` carry: relayed between two bound sessions. */
export type RelayRequest = SdpRequest | IceRequest | MediaStateRequest;

/**
 * The call machine as the gateway drives it, with one implementation per back end: `CallMachine`
 * in this process's memory (synchronous, the embedded default) and `RedisCallSwitch`, whose every
 * transition is one atomic Lua script, for several instances. `test/call-switch.contract.e2e-spec.ts`
 * holds both to the same behaviour.
 */
export interface CallSwitch {
  isInCall(sessionId: string): Awaitable<boolean>;
  /**
   * `pushDevices` (Web Push, issue 21): the callee's subscribed devices (pushDeviceKeys); those
   * without an open page ring by push.
   */
  start(
    from: SessionRef,
    toUser: string,
    access: CallAccess,
    pushDevices?: readonly string[],
  ): Awaitable<void>;
  answer(from: SessionRef, toUser: string, accept: boolean, callId?: string): Awaitable<void>;
  relay(from: SessionRef, request: RelayRequest): Awaitable<void>;
  hangup(
    from: SessionRef,
    toUser: string,
    code?: ClientHangupCode,
    callId?: string,
  ): Awaitable<void>;
  /** A call_start the caller's limits refused: `rate_limited`, why and for how long. */
  refuse(from: SessionRef, toUser: string, refusal: CallStartRefusal): Awaitable<void>;
}

export type { CallObserver };
