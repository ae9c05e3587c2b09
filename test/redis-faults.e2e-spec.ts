import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedisSessions, decodeChannel } from '../src/signaling/engines/redis/redis-sessions.js';
import { SignalingScripts } from '../src/signaling/engines/redis/signaling-scripts.js';
import { TimerWheel } from '../src/signaling/engines/redis/timer-wheel.js';
import {
  COMMAND_TIMEOUT_MS,
  RedisConnection,
} from '../src/signaling/engines/redis/redis-connection.js';
import { type OwnRedis, freePort, ownRedis } from './support/redis-server.js';
import { accessOf, uniquePrefix, welcomeOf } from './support/signaling-backends.js';

const LIMITS = {
  bufferMessages: 16,
  bufferBytes: 64 * 1024,
  windowMs: 30_000,
  ringTimeoutMs: 30_000,
  endedMs: 60_000,
};

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`not within ${ms} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Redis faults as an instance lives through them, against a redis-server of this suite's own:
 * never silent, never a fallback, and everything back without restarting the app.
 */
describe('Redis faults', () => {
  let redis: OwnRedis;
  let connection: RedisConnection;
  let scripts: SignalingScripts;
  let sessions: RedisSessions;
  const frames: string[] = [];
  const sessionId = randomUUID();

  beforeAll(async () => {
    redis = await ownRedis();
    connection = new RedisConnection(redis.url);
    await connection.connect();
    scripts = new SignalingScripts(connection, uniquePrefix(), LIMITS);
    await scripts.load();
    const timers = new TimerWheel(scripts, { ring: 30_000, window: 30_000 });
    sessions = new RedisSessions(scripts, timers, 'node-a', 5);
    await connection.subscribe(sessions.channel(sessionId), (message) => {
      const frame = decodeChannel(message);
      if (typeof frame === 'string') {
        frames.push(frame);
      }
    });
    await sessions.open(
      sessionId,
      'alice',
      Buffer.alloc(32, 1),
      welcomeOf(sessionId, 'alice', true),
      accessOf('alice'),
    );
    await until(() => frames.length === 1, 2000);
  });

  afterAll(async () => {
    await connection.close();
    await redis.stop();
  });

  it('unreachable at start: connect fails within seconds with a message naming REDIS_URL', async () => {
    const port = await freePort();
    const nowhere = new RedisConnection(`redis://user:hunter2@127.0.0.1:${port}`);
    const started = Date.now();
    const failure = await nowhere.connect(1500).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(
      /^REDIS_URL: Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1/,
    );
    expect((failure as Error).message).not.toContain('hunter2');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a slow Redis (DEBUG SLEEP): a command fails after the command timeout, and the next ones line up', async () => {
    const sleeper = spawn('redis-cli', ['-p', String(redis.port), 'DEBUG', 'SLEEP', '2.5']);
    const sleeping = new Promise((resolve) => sleeper.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const failure = await sessions.isOnline('alice').catch((error: unknown) => error);
    const waited = Date.now() - started;
    expect(failure).toBeInstanceOf(Error);
    expect(waited).toBeGreaterThanOrEqual(COMMAND_TIMEOUT_MS - 50);
    expect(waited).toBeLessThan(COMMAND_TIMEOUT_MS + 700);
    await sleeping;
    // Replies are not shifted by the one that timed out: each command gets its own answer.
    expect(await sessions.isOnline('alice')).toBe(true);
    expect(await sessions.isOnline('nobody')).toBe(false);
    expect(await connection.command(['ECHO', 'aligned'])).toBe('aligned');
  });

  it('killed: commands fail at once (no offline queue); restarted: scripts reload, channels resubscribe, state is back', async () => {
    let reconnected = 0;
    connection.onReconnect(() => (reconnected += 1));
    await redis.kill();
    await until(() => !connection.ready, 2000);
    const started = Date.now();
    const failure = await sessions
      .send(sessionId, welcomeOf(sessionId, 'alice', true))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(200);
    await redis.start();
    await until(() => connection.ready, 5000);
    expect(reconnected).toBe(1);
    // The restarted Redis has no scripts (NOSCRIPT → loaded again) but has the AOF's state.
    expect(await sessions.isOnline('alice')).toBe(true);
    frames.length = 0;
    await sessions.send(sessionId, {
      type: 'error',
      fromUser: 'system',
      toUser: 'alice',
      code: 'bad_request',
      msg: 'after the restart',
    });
    await until(() => frames.length === 1, 3000);
    expect(JSON.parse(frames[0])).toMatchObject({ msg: 'after the restart', seq: 2 });
  });
});
