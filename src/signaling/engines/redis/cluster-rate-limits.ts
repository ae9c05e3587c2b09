import type { LoginThrottle } from '../../../auth/login-throttle.js';
import type { RateBuckets } from '../../../auth/rate-buckets.js';
import { LuaScript } from './lua-script.js';
import { readLua } from './lua/signaling-lua.js';
import type { RedisConnection } from './redis-connection.js';
import type { RedisSignaling } from './redis-signaling.js';

/** The scripts of the request budgets and the login lock-out, read once (at start-up). */
let scripts: { takeToken: LuaScript; beginAttempt: LuaScript; abandonAttempt: LuaScript };

function limitScripts(): typeof scripts {
  scripts ??= {
    takeToken: new LuaScript('takeToken', readLua('take-token')),
    beginAttempt: new LuaScript('beginAttempt', readLua('begin-attempt')),
    abandonAttempt: new LuaScript('abandonAttempt', readLua('abandon-attempt')),
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
