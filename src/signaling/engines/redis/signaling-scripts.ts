import { Logger } from '@nestjs/common';
import { LuaScript } from './lua-script.js';
import type { RedisConnection } from './redis-connection.js';
import type {
  CallObserver,
  CallSummary,
  EndCode,
  PushRingEndReason,
} from '../../call-machine.types.js';
import { RedisKeys } from './keys.js';
import { type ScriptName, signalingScriptSources } from './lua/signaling-lua.js';

/** What the scripts need to know; sent with every call (a few dozen bytes of JSON). */
export interface ScriptLimits {
  bufferMessages: number;
  bufferBytes: number;
  windowMs: number;
  ringTimeoutMs: number;
  /** How long an ended v2 session is remembered (a late resume hears "expired"). */
  endedMs: number;
}

/**
 * kind, call id, caller, callee, caller session, callee session, at (ms), end code, hidden; for
 * kind 'presence': username, '1' (online) or '0', then empty fields; for 'push_ring' and
 * 'push_ended' (Web Push): call id, caller, callee, expires at (ms, ring), the devices (JSON),
 * '', the reason (ended), ''.
 */
type ScriptEvent = [string, string, string, string, string, string, string, string, string];
type ScriptReply<T> = [ScriptEvent[], string[], T];

/**
 * Web Push (issue 21): a script rang a callee's devices by push, or ended such a ring. Reported
 * only on the instance that ran the script, so each is acted on once across the cluster.
 */
export type PushEvent =
  | {
      kind: 'ring';
      callId: string;
      caller: string;
      callee: string;
      expiresAt: number;
      devices: string[];
    }
  | {
      kind: 'ended';
      callId: string;
      callee: string;
      reason: PushRingEndReason;
      devices: string[];
    };

/**
 * The signaling scripts of one instance: loaded once, run by EVALSHA with the key prefix and the
 * limits, and each reply's state changes reported here — to this instance's observers only, so
 * every change is reported exactly once (by the instance whose script made it), which is what
 * makes call history written once. A v2 session whose stream overflowed while away is ended
 * right after the script that overflowed it (deferred, as in memory).
 */
export class SignalingScripts {
  private readonly logger = new Logger('RedisSignaling');
  private readonly scripts: Record<ScriptName, LuaScript>;
  private readonly observers: CallObserver[] = [];
  private readonly presenceListeners: ((username: string, online: boolean) => void)[] = [];
  private readonly pushListeners: ((event: PushEvent) => void)[] = [];
  private readonly limits: string;
  /** Every key and channel name (the scripts build the same ones from the prefix). */
  readonly keys: RedisKeys;

  constructor(
    readonly redis: RedisConnection,
    readonly prefix: string,
    limits: ScriptLimits,
  ) {
    this.limits = JSON.stringify(limits);
    this.keys = new RedisKeys(prefix);
    this.scripts = Object.fromEntries(
      Object.entries(signalingScriptSources()).map(([name, source]) => [
        name,
        new LuaScript(name, source),
      ]),
    ) as Record<ScriptName, LuaScript>;
  }

  async load(): Promise<void> {
    await Promise.all(Object.values(this.scripts).map((script) => script.load(this.redis)));
  }

  observe(observer: CallObserver): void {
    this.observers.push(observer);
  }

  /** Told when a script run here brought a user online or offline (once across instances). */
  onPresence(listener: (username: string, online: boolean) => void): void {
    this.presenceListeners.push(listener);
  }

  /** Told when a script run here rang devices by push or ended such a ring (Web Push). */
  onPush(listener: (event: PushEvent) => void): void {
    this.pushListeners.push(listener);
  }

  /** Runs one script and reports its state changes; resolves to the body's own answer. */
  async run<T = string>(name: ScriptName, args: readonly string[]): Promise<T> {
    const [events, lapses, result] = await this.scripts[name].run<ScriptReply<T>>(this.redis, [
      this.prefix,
      this.limits,
      ...args,
    ]);
    let failure: Error | undefined;
    for (const event of events) {
      const error = this.report(event);
      failure ??= error;
    }
    for (const sessionId of lapses) {
      setImmediate(() => {
        this.run('drop', [sessionId]).catch((error: unknown) =>
          this.logger.error(`ending overflowed session ${sessionId} failed: ${String(error)}`),
        );
      });
    }
    if (failure !== undefined) {
      // As in memory: the session whose request this was is closed with 1011 (the gateway's
      // `failed`), its peer hears `disconnected`; the change itself is committed in Redis.
      throw failure;
    }
    return result;
  }

  /** Tells every observer; the first one's error, if any, after all of them heard. */
  private report([kind, id, caller, callee, cs, ks, at, code, hidden]: ScriptEvent):
    Error | undefined {
    if (kind === 'presence') {
      this.presenceListeners.forEach((listener) => listener(id, caller === '1'));
      return undefined;
    }
    if (kind === 'push_ring' || kind === 'push_ended') {
      const devices = JSON.parse(ks) as string[];
      const event: PushEvent =
        kind === 'push_ring'
          ? { kind: 'ring', callId: id, caller, callee, expiresAt: Number(cs), devices }
          : { kind: 'ended', callId: id, callee, reason: code as PushRingEndReason, devices };
      this.pushListeners.forEach((listener) => listener(event));
      return undefined;
    }
    const call: CallSummary = {
      id,
      caller,
      callee,
      callerSession: cs,
      calleeSession: ks === '' ? undefined : ks,
      ...(hidden === '1' ? { hiddenFromCallee: true } : {}),
    };
    const when = new Date(Number(at));
    let failure: Error | undefined;
    for (const observer of this.observers) {
      try {
        if (kind === 'started') {
          observer.callStarted?.(call, when);
        } else if (kind === 'answered') {
          observer.callAnswered?.(call, when);
        } else {
          observer.callEnded?.(call, code as EndCode, when);
        }
      } catch (error) {
        this.logger.error(`a call observer failed on ${kind} ${id}: ${String(error)}`);
        failure ??= error instanceof Error ? error : new Error(String(error));
      }
    }
    return failure;
  }
}
