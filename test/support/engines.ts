import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config/load-config.js';
import type { SignalingEngine } from '../../src/signaling/engine.js';
import { MemoryEngine } from '../../src/signaling/engines/memory/memory-engine.js';
import { RedisEngine } from '../../src/signaling/engines/redis/redis-engine.js';
import { RedisSignaling } from '../../src/signaling/engines/redis/redis-signaling.js';
import {
  TEST_REDIS_URL,
  accessOf,
  deleteKeys,
  uniquePrefix,
  welcomeOf,
} from './signaling-backends.js';

/**
 * One instance of an engine as the engine contract suites drive it: the SignalingEngine the app
 * would get, and the session events a gateway would cause on it.
 */
export interface EngineInstance {
  readonly engine: SignalingEngine;
  /** A signaling session of `username` opened on this instance; resolves to its id. */
  openSession(username: string): Promise<string>;
  /** That session ended (closed, dropped or its window over); again is a no-op, as in a gateway. */
  closeSession(sessionId: string): Promise<void>;
}

/** An engine under contract: one deployment, to which a test may add instances. */
export interface EngineUnderTest {
  readonly name: string;
  /** The deployment's first instance. */
  readonly instance: EngineInstance;
  /**
   * Another instance of the same deployment (Redis: same Redis and key prefix, its own node), or
   * undefined for an engine that is one process (memory).
   */
  addInstance(): Promise<EngineInstance | undefined>;
  teardown(): Promise<void>;
}

/** Memory: sessions are counted by the engine's PresenceCounter, as SessionRegistry does. */
export function memoryEngine(): EngineUnderTest {
  const engine = new MemoryEngine();
  const open = new Map<string, string>();
  return {
    name: 'memory',
    instance: {
      engine,
      openSession: (username) => {
        const id = randomUUID();
        open.set(id, username);
        engine.presenceCounter().sessionOpened(username);
        return Promise.resolve(id);
      },
      closeSession: (id) => {
        const username = open.get(id);
        if (open.delete(id) && username !== undefined) {
          engine.presenceCounter().sessionClosed(username);
        }
        return Promise.resolve();
      },
    },
    addInstance: () => Promise.resolve(undefined),
    teardown: () => Promise.resolve(),
  };
}

/**
 * Redis on 127.0.0.1:6379 (TEST_REDIS_URL) under a key prefix of its own, each instance started
 * as main.ts starts one (RedisSignaling.start: scripts loaded, bus subscribed, heartbeat).
 */
export async function redisEngine(): Promise<EngineUnderTest> {
  const prefix = uniquePrefix();
  const config = loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'engine-contract-test-'.padEnd(48, '8'),
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    // Only validated (REDIS_URL needs PostgreSQL); no engine seam under contract opens it.
    DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
  });
  const started: RedisSignaling[] = [];
  const start = async (): Promise<EngineInstance> => {
    const cluster = await RedisSignaling.start(config);
    started.push(cluster);
    return {
      engine: new RedisEngine(cluster, config.signaling.revocationMaxStaleMs),
      openSession: async (username) => {
        const id = randomUUID();
        await cluster.sessions.open(
          id,
          username,
          undefined,
          welcomeOf(id, username, false),
          accessOf(username),
        );
        return id;
      },
      closeSession: async (id) => {
        await cluster.sessions.drop(id);
      },
    };
  };
  const instance = await start();
  return {
    name: 'redis',
    instance,
    addInstance: start,
    teardown: async () => {
      await deleteKeys(started[0].connection, prefix);
      for (const cluster of started) {
        await cluster.stop();
      }
    },
  };
}

/** The contract suites' table: the same scenarios on each engine. */
export const ENGINES: [string, () => Promise<EngineUnderTest>][] = [
  ['memory', () => Promise.resolve(memoryEngine())],
  ['redis', redisEngine],
];
