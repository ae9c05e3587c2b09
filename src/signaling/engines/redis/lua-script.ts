import { createHash } from 'node:crypto';
import { RedisCommandError, type RedisConnection } from './redis-connection.js';

/**
 * One Lua script, run by EVALSHA. It is loaded once (SCRIPT LOAD); when Redis answers NOSCRIPT
 * (it restarted, or SCRIPT FLUSH ran) it is loaded again and the call is retried once, so a Redis
 * restart needs no restart of the app.
 */
export class LuaScript {
  readonly sha: string;

  constructor(
    readonly name: string,
    private readonly source: string,
  ) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async load(redis: RedisConnection): Promise<void> {
    const sha = await redis.command<string>(['SCRIPT', 'LOAD', this.source]);
    if (sha !== this.sha) {
      throw new Error(`Redis loaded script ${this.name} as ${sha}, expected ${this.sha}`);
    }
  }

  async run<T>(redis: RedisConnection, args: readonly string[]): Promise<T> {
    const command = ['EVALSHA', this.sha, '0', ...args];
    try {
      return await redis.command<T>(command);
    } catch (error) {
      if (!(error instanceof RedisCommandError) || !String(error.message).includes('NOSCRIPT')) {
        throw error;
      }
      await this.load(redis);
      return redis.command<T>(command);
    }
  }
}
