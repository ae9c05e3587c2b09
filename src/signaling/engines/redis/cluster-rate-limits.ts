import { Logger } from '@nestjs/common';
import type { LoginThrottle } from '../../../auth/login-throttle.js';
import type { RateBuckets } from '../../../auth/rate-buckets.js';
import type { CallSummary, EndCode } from '../../call-machine.types.js';
import type { CallObserver } from '../../call-switch.js';
import type { CallStartGate, CallStartLimits } from '../../call-start-limiter.js';
import type { CallStartRefusal, RateLimitReason } from '../../protocol.js';
import { LuaScript } from './lua-script.js';
import { readLua } from './lua/signaling-lua.js';
import type { RedisConnection } from './redis-connection.js';
import type { RedisSignaling } from './redis-signaling.js';

/** The scripts of the request budgets and the login lock-out, read once (at start-up). */
let scripts: Record<
  'takeToken' | 'beginAttempt' | 'abandonAttempt' | 'callStartLimit' | 'callStartRefund',
  LuaScript
>;

function limitScripts(): typeof scripts {
  scripts ??= {
    takeToken: new LuaScript('takeToken', readLua('take-token')),
    beginAttempt: new LuaScript('beginAttempt', readLua('begin-attempt')),
    abandonAttempt: new LuaScript('abandonAttempt', readLua('abandon-attempt')),
    callStartLimit: new LuaScript('callStartLimit', readLua('call-start-limit')),
    callStartRefund: new LuaScript('callStartRefund', readLua('call-start-refund')),
  };
  return scripts;
}

/** The request budgets of every instance together (see RateBuckets). */
export class ClusterRateBuckets implements RateBuckets {
  private readonly scripts = limitScripts();

  constructor(private readonly cluster: RedisSignaling) {}

  take(budget: string, key: string, perMinute: number): Promise<number> {
    const bucket = this.cluster.scripts.keys.rateBucket(budget, key);
    return this.scripts.takeToken.run<number>(this.cluster.connection, [bucket, String(perMinute)]);
  }
}

/** The login lock-out of every instance together: N instances never grant N times the guesses. */
export class ClusterLoginThrottle implements LoginThrottle {
  private readonly scripts = limitScripts();

  constructor(
    private readonly cluster: RedisSignaling,
    private readonly limits: { maxFailures: number; windowMs: number },
  ) {}

  begin(username: string, ip: string): Promise<number> {
    const { maxFailures, windowMs } = this.limits;
    return this.scripts.beginAttempt.run<number>(this.redis, [
      this.key(username, ip),
      String(maxFailures),
      String(windowMs),
    ]);
  }

  async succeeded(username: string, ip: string): Promise<void> {
    await this.redis.command(['DEL', this.key(username, ip)]);
  }

  async abandon(username: string, ip: string): Promise<void> {
    await this.scripts.abandonAttempt.run(this.redis, [this.key(username, ip)]);
  }

  private get redis(): RedisConnection {
    return this.cluster.connection;
  }

  private key(username: string, ip: string): string {
    return this.cluster.scripts.keys.loginFailures(username, ip);
  }
}

/**
 * The call_start limits of every instance together (CallStartLimiter's rules, issue 20): the two
 * budgets and the decline cooldown live in Redis, so a caller spread over N instances gets what
 * one instance would give, and the refund of an answered call and the cooldown after a decline
 * apply wherever the callee answered or declined (each is reported once, by the instance whose
 * script made it, to this observer there).
 */
export class ClusterCallStartLimiter implements CallStartGate, CallObserver {
  private readonly logger = new Logger('CallStartLimits');
  private readonly scripts = limitScripts();

  constructor(
    private readonly cluster: Pick<RedisSignaling, 'scripts' | 'connection'>,
    private readonly limits: CallStartLimits,
  ) {}

  async refusalOf(caller: string, callee: string): Promise<CallStartRefusal | undefined> {
    const { keys } = this.cluster.scripts;
    const verdict = await this.scripts.callStartLimit.run<string>(this.cluster.connection, [
      keys.callStartBucket(caller),
      keys.callStartBucket(caller, callee),
      keys.callCooldown(caller, callee),
      String(this.limits.perCaller),
      String(this.limits.perCallee),
      String(this.limits.windowMs),
    ]);
    if (verdict === '') {
      return undefined;
    }
    const [reason, seconds] = verdict.split('|');
    return { reason: reason as RateLimitReason, retryAfter: Number(seconds) };
  }

  callAnswered(call: CallSummary): void {
    const { keys } = this.cluster.scripts;
    this.apply(
      'refund',
      this.scripts.callStartRefund.run(this.cluster.connection, [
        keys.callStartBucket(call.caller),
        keys.callStartBucket(call.caller, call.callee),
        String(this.limits.perCaller),
        String(this.limits.perCallee),
        String(this.limits.windowMs),
      ]),
    );
  }

  callEnded(call: CallSummary, code: EndCode): void {
    if (code === 'rejected') {
      const key = this.cluster.scripts.keys.callCooldown(call.caller, call.callee);
      const ms = String(this.limits.cooldownMs);
      this.apply('cooldown', this.cluster.connection.command(['SET', key, '1', 'PX', ms]));
    }
  }

  /** Observers never wait: a failed write is logged (the call itself is unaffected). */
  private apply(what: string, done: Promise<unknown>): void {
    done.catch((error: unknown) =>
      this.logger.error(`call_start ${what} failed: ${String(error)}`),
    );
  }
}
