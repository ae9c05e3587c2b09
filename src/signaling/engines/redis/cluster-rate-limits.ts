import { LoginThrottle } from '../../../auth/login-throttle.js';
import { RateBuckets } from '../../../auth/rate-buckets.js';
import { LuaScript } from './lua-script.js';
import type { RedisConnection } from './redis-connection.js';
import type { RedisSignaling } from './redis-signaling.js';

/**
 * key, per minute → 0, or the seconds until the bucket holds a token again. Redis's clock, so
 * that every instance refills the same bucket at the same rate; a bucket left alone for a minute
 * is full again, so it expires then.
 */
const TAKE_TOKEN = new LuaScript(
  'takeToken',
  `
local key, per_minute = ARGV[1], tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local bucket = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(bucket[1]) or per_minute
local elapsed = now - (tonumber(bucket[2]) or now)
tokens = math.min(per_minute, tokens + elapsed * per_minute / 60000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) * 60 / per_minute))
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', key, 60000)
return wait
`,
);

/**
 * key, max failures, window ms → 0 when the attempt may go ahead (it now counts as a failure),
 * or the seconds until the window that holds the failures has passed. A refused attempt is not
 * counted. The window starts at the first failure (LoginAttempts slides it; the bound is the same).
 */
const BEGIN_ATTEMPT = new LuaScript(
  'beginAttempt',
  `
local key, max = ARGV[1], tonumber(ARGV[2])
local failures = redis.call('INCR', key)
if failures == 1 then redis.call('PEXPIRE', key, ARGV[3]) end
if failures <= max then return 0 end
redis.call('DECR', key)
return math.max(1, math.ceil(redis.call('PTTL', key) / 1000))
`,
);

/** key → takes back the latest failure, if the window still holds one. */
const ABANDON_ATTEMPT = new LuaScript(
  'abandonAttempt',
  `
if tonumber(redis.call('GET', ARGV[1]) or '0') > 0 then redis.call('DECR', ARGV[1]) end
return 0
`,
);

/** The request budgets of every instance together (see RateBuckets). */
export class ClusterRateBuckets extends RateBuckets {
  constructor(private readonly cluster: RedisSignaling) {
    super();
  }

  protected takeToken(budget: string, key: string, perMinute: number): Promise<number> {
    const bucket = `${this.cluster.scripts.prefix}rl:${budget}:${key}`;
    return TAKE_TOKEN.run<number>(this.cluster.connection, [bucket, String(perMinute)]);
  }
}

/** The login lock-out of every instance together: N instances never grant N times the guesses. */
export class ClusterLoginThrottle extends LoginThrottle {
  constructor(
    private readonly cluster: RedisSignaling,
    private readonly limits: { maxFailures: number; windowMs: number },
  ) {
    super();
  }

  begin(username: string, ip: string): Promise<number> {
    const { maxFailures, windowMs } = this.limits;
    return BEGIN_ATTEMPT.run<number>(this.redis, [
      this.key(username, ip),
      String(maxFailures),
      String(windowMs),
    ]);
  }

  async succeeded(username: string, ip: string): Promise<void> {
    await this.redis.command(['DEL', this.key(username, ip)]);
  }

  async abandon(username: string, ip: string): Promise<void> {
    await ABANDON_ATTEMPT.run(this.redis, [this.key(username, ip)]);
  }

  private get redis(): RedisConnection {
    return this.cluster.connection;
  }

  private key(username: string, ip: string): string {
    return `${this.cluster.scripts.prefix}login:${username.toLowerCase()}\n${ip}`;
  }
}
