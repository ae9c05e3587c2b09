import { randomBytes, randomUUID } from 'node:crypto';
import { CallMachine } from '../../src/signaling/call-machine.js';
import type { CallObserver, SessionRef } from '../../src/signaling/call-machine.types.js';
import type { CallSwitch } from '../../src/signaling/call-switch.js';
import { nodeTimers } from '../../src/signaling/node-timers.js';
import type { ServerMessage } from '../../src/signaling/protocol.js';
import { RedisCallSwitch } from '../../src/signaling/engines/redis/redis-call-switch.js';
import { RedisSessions, decodeChannel } from '../../src/signaling/engines/redis/redis-sessions.js';
import { SignalingScripts } from '../../src/signaling/engines/redis/signaling-scripts.js';
import { TimerWheel } from '../../src/signaling/engines/redis/timer-wheel.js';
import { RedisConnection } from '../../src/signaling/engines/redis/redis-connection.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** A message as a test reads it: any server message, its call fields at hand. */
export type Received = ServerMessage & { callId?: string; code?: string; msg?: string };

/** A session as a contract test sees it: who, and every message it was sent (without `seq`). */
export interface Peer extends SessionRef {
  readonly inbox: Received[];
  /** The next message of `type` not yet taken, waiting up to 3 s for it. */
  next(type: ServerMessage['type']): Promise<Received>;
}

/** A back end under the call-switch contract: the machine plus the session events around it. */
export interface BackendUnderTest {
  readonly name: string;
  readonly calls: CallSwitch;
  /** Call history as the observers saw it: "started id", "answered id", "ended id code". */
  readonly history: string[];
  /** A new session of `username` (v2: it can go away and resume). */
  open(username: string, v2?: boolean): Promise<Peer>;
  /** The session ended (closed, dropped, or its window over). */
  close(peer: Peer): Promise<void>;
  /** A v2 session's socket dropped: it waits in its window. */
  away(peer: Peer): Promise<void>;
  teardown(): Promise<void>;
}

export interface BackendOptions {
  ringTimeoutMs: number;
  windowMs: number;
}

class Inbox {
  readonly messages: Received[] = [];
  private taken = new Set<number>();
  private waiters: (() => void)[] = [];

  push(message: Received): void {
    this.messages.push(message);
    this.waiters.splice(0).forEach((wake) => wake());
  }

  async next(type: ServerMessage['type']): Promise<Received> {
    const deadline = Date.now() + 3000;
    for (;;) {
      const index = this.messages.findIndex((m, i) => m.type === type && !this.taken.has(i));
      if (index >= 0) {
        this.taken.add(index);
        return this.messages[index];
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no ${type} within 3 s; got ${JSON.stringify(this.messages)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

function peer(
  username: string,
  id = randomUUID(),
  protocol: 1 | 2 = 1,
): Peer & { deliver(m: Received): void } {
  const inbox = new Inbox();
  return {
    id,
    username,
    protocol,
    inbox: inbox.messages,
    next: (type) => inbox.next(type),
    deliver: (message) => inbox.push(message),
  };
}

function recorder(history: string[]): CallObserver {
  return {
    callStarted: (call) => history.push(`started ${call.id}`),
    callAnswered: (call) => history.push(`answered ${call.id}`),
    callEnded: (call, code) => history.push(`ended ${call.id} ${code}`),
  };
}

/** The embedded default: CallMachine over an in-memory directory and outbox. */
export function memoryBackend({ ringTimeoutMs }: BackendOptions): BackendUnderTest {
  const peers = new Map<string, ReturnType<typeof peer>>();
  const history: string[] = [];
  const machine = new CallMachine({
    outbox: { send: (sessionId, message) => peers.get(sessionId)?.deliver(message) },
    directory: {
      sessionsOf: (username) => [...peers.values()].filter((p) => p.username === username),
    },
    timers: nodeTimers,
    observers: [recorder(history)],
    ringTimeoutMs,
  });
  return {
    name: 'memory',
    calls: machine,
    history,
    open: (username, v2 = false) => {
      const session = peer(username, undefined, v2 ? 2 : 1);
      peers.set(session.id, session);
      machine.sessionOpened(session);
      return Promise.resolve(session);
    },
    close: (session) => {
      peers.delete(session.id);
      machine.sessionClosed(session);
      return Promise.resolve();
    },
    away: (session) => {
      machine.sessionAway(session);
      return Promise.resolve();
    },
    teardown: () => {
      machine.shutdown();
      return Promise.resolve();
    },
  };
}

/** One instance's Redis back end, with its own connection, node id and timers. */
export interface RedisInstance {
  readonly connection: RedisConnection;
  readonly scripts: SignalingScripts;
  readonly sessions: RedisSessions;
  readonly calls: RedisCallSwitch;
  readonly timers: TimerWheel;
  close(): Promise<void>;
}

export async function redisInstance(
  prefix: string,
  { ringTimeoutMs, windowMs }: BackendOptions,
  observers: CallObserver[] = [],
): Promise<RedisInstance> {
  const connection = new RedisConnection(TEST_REDIS_URL);
  await connection.connect();
  const scripts = new SignalingScripts(connection, prefix, {
    bufferMessages: 256,
    bufferBytes: 256 * 1024,
    windowMs,
    ringTimeoutMs,
    endedMs: 3_600_000,
  });
  await scripts.load();
  observers.forEach((observer) => scripts.observe(observer));
  const timers = new TimerWheel(scripts, { ring: ringTimeoutMs, window: windowMs });
  timers.start();
  const sessions = new RedisSessions(scripts, timers, randomUUID(), 5);
  return {
    connection,
    scripts,
    sessions,
    calls: new RedisCallSwitch(scripts, timers),
    timers,
    close: async () => {
      timers.stop();
      await connection.close();
    },
  };
}

/** A key prefix of its own, so that parallel runs on one Redis never see each other's keys. */
export function uniquePrefix(): string {
  return `dialtone-test:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(connection: RedisConnection, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await connection.command<[string, string[]]>([
      'SCAN',
      cursor,
      'MATCH',
      `${prefix}*`,
      'COUNT',
      '1000',
    ]);
    cursor = next;
    if (keys.length > 0) {
      await connection.command(['DEL', ...keys]);
    }
  } while (cursor !== '0');
}

export function welcomeOf(sessionId: string, username: string, v2: boolean): ServerMessage {
  return {
    type: 'welcome',
    protocol: v2 ? 2 : 1,
    sessionId,
    user: { username, displayName: username },
  };
}

/** Sessions on Redis as one instance holds them: subscribed to their channels. */
export async function openRedisPeer(
  instance: RedisInstance,
  username: string,
  v2: boolean,
): Promise<Peer> {
  const session = peer(username);
  await instance.connection.subscribe(instance.sessions.channel(session.id), (message) => {
    const decoded = decodeChannel(message);
    if (typeof decoded === 'string') {
      const { seq: _seq, ...frame } = JSON.parse(decoded) as Received & { seq?: number };
      if (frame.type !== 'welcome') {
        session.deliver(frame);
      }
    }
  });
  const welcome = welcomeOf(session.id, username, v2);
  await instance.sessions.open(session.id, username, v2 ? randomBytes(32) : undefined, welcome);
  return session;
}

/** The Redis back end as one instance (tests of two instances build two with redisInstance). */
export async function redisBackend(options: BackendOptions): Promise<BackendUnderTest> {
  const prefix = uniquePrefix();
  const history: string[] = [];
  const instance = await redisInstance(prefix, options, [recorder(history)]);
  return {
    name: 'redis',
    calls: instance.calls,
    history,
    open: (username, v2 = false) => openRedisPeer(instance, username, v2),
    close: async (session) => {
      await instance.connection.unsubscribe(instance.sessions.channel(session.id));
      await instance.sessions.drop(session.id);
    },
    away: async (session) => {
      await instance.connection.unsubscribe(instance.sessions.channel(session.id));
      await instance.sessions.away(session.id);
    },
    teardown: async () => {
      await deleteKeys(instance.connection, prefix);
      await instance.close();
    },
  };
}
