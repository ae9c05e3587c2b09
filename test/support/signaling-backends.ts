import { randomBytes, randomUUID } from 'node:crypto';
import { CallMachine } from '../../src/signaling/call-machine.js';
import type {
  CallObserver,
  RingByPush,
  SessionRef,
} from '../../src/signaling/call-machine.types.js';
import type { CallSwitch } from '../../src/signaling/call-switch.js';
import { nodeTimers } from '../../src/signaling/node-timers.js';
import { sessionCapVictims } from '../../src/signaling/session-cap.js';
import type { ServerMessage } from '../../src/signaling/protocol.js';
import { ClusterPushRinging } from '../../src/signaling/engines/redis/cluster-push-ringing.js';
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
  /**
   * Web Push as the call rules drove it (each ring and end once): "ring id device,device…" and
   * "ended id reason device,device…".
   */
  readonly pushes: string[];
  /** push_device: the page of `peer` runs on the subscribed device `device` (undefined: none). */
  linkPushDevice(peer: Peer, device: string | undefined): Promise<void>;
  /** POST /calls/<id>/decline's question and action, as the call core answers them. */
  isRinging(callId: string, callee: string): Promise<boolean>;
  decline(callId: string, callee: string): Promise<boolean>;
  /** A new session of `username` (v2: it can go away and resume). */
  open(username: string, v2?: boolean): Promise<Peer>;
  /**
   * A new session admitted under the session cap (BackendOptions.maxSessions), as the gateway
   * opens one: with the ids of the sessions that made room (ended at once).
   */
  admit(username: string): Promise<{ peer: Peer; victims: string[] }>;
  /** The user's sessions in the directory (listed, rung), oldest first. */
  listed(username: string): Promise<string[]>;
  /** The session ended (closed, dropped, or its window over). */
  close(peer: Peer): Promise<void>;
  /** A v2 session's socket dropped: it waits in its window. */
  away(peer: Peer): Promise<void>;
  teardown(): Promise<void>;
}

export interface BackendOptions {
  ringTimeoutMs: number;
  windowMs: number;
  /** MAX_SESSIONS_PER_USER (5 unless given). */
  maxSessions?: number;
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
): Peer & { deliver(m: Received): void; pushDevice?: string } {
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

/** Records what the call rules asked Web Push to do (BackendUnderTest.pushes). */
export function pushRecorder(pushes: string[]): RingByPush {
  return {
    ring: (call) => pushes.push(`ring ${call.callId} ${call.devices.join(',')}`),
    ringEnded: (callId, reason, ended) =>
      pushes.push(`ended ${callId} ${reason} ${ended?.devices.join(',') ?? ''}`),
  };
}

/** The embedded default: CallMachine over an in-memory directory and outbox. */
export function memoryBackend({
  ringTimeoutMs,
  maxSessions = 5,
}: BackendOptions): BackendUnderTest {
  const peers = new Map<string, ReturnType<typeof peer>>();
  const sessionsOf = (username: string) =>
    [...peers.values()].filter((p) => p.username === username);
  const history: string[] = [];
  const pushes: string[] = [];
  const machine = new CallMachine({
    outbox: { send: (sessionId, message) => peers.get(sessionId)?.deliver(message) },
    directory: { sessionsOf },
    timers: nodeTimers,
    observers: [recorder(history)],
    ringTimeoutMs,
    push: pushRecorder(pushes),
  });
  return {
    name: 'memory',
    calls: machine,
    history,
    pushes,
    linkPushDevice: (session, device) => {
      const held = peers.get(session.id);
      if (held) {
        held.pushDevice = device;
      }
      return Promise.resolve();
    },
    isRinging: (callId, callee) => Promise.resolve(machine.isRinging(callId, callee)),
    decline: (callId, callee) => Promise.resolve(machine.declineRinging(callId, callee)),
    open: (username, v2 = false) => {
      const session = peer(username, undefined, v2 ? 2 : 1);
      peers.set(session.id, session);
      machine.sessionOpened(session);
      return Promise.resolve(session);
    },
    admit: (username) => {
      const session = peer(username);
      peers.set(session.id, session);
      const victims = sessionCapVictims(sessionsOf(username), session, maxSessions, (p) =>
        machine.isInCall(p.id),
      );
      for (const victim of victims) {
        peers.delete(victim.id);
        machine.sessionClosed(victim);
      }
      if (!victims.includes(session)) {
        machine.sessionOpened(session);
      }
      return Promise.resolve({ peer: session, victims: victims.map((v) => v.id) });
    },
    listed: (username) => Promise.resolve(sessionsOf(username).map((p) => p.id)),
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
  readonly pushRinging: ClusterPushRinging;
  close(): Promise<void>;
}

export async function redisInstance(
  prefix: string,
  { ringTimeoutMs, windowMs, maxSessions = 5 }: BackendOptions,
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
  const sessions = new RedisSessions(scripts, timers, randomUUID(), maxSessions);
  return {
    connection,
    scripts,
    sessions,
    calls: new RedisCallSwitch(scripts, timers),
    timers,
    pushRinging: new ClusterPushRinging(scripts),
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

/** The access token a test session runs under (revocations match sessions by it). */
export function accessOf(username: string): { id: string; tokenId: string; generation: number } {
  return { id: `account-of-${username}`, tokenId: randomUUID(), generation: 0 };
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
  return (await admitRedisPeer(instance, username, v2)).peer;
}

/** openRedisPeer, with the sessions that made room for it under the cap. */
export async function admitRedisPeer(
  instance: RedisInstance,
  username: string,
  v2: boolean,
): Promise<{ peer: Peer; victims: string[] }> {
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
  const hash = v2 ? randomBytes(32) : undefined;
  const victims = await instance.sessions.open(
    session.id,
    username,
    hash,
    welcome,
    accessOf(username),
  );
  return { peer: session, victims };
}

/** The Redis back end as one instance (tests of two instances build two with redisInstance). */
export async function redisBackend(options: BackendOptions): Promise<BackendUnderTest> {
  const prefix = uniquePrefix();
  const history: string[] = [];
  const pushes: string[] = [];
  const instance = await redisInstance(prefix, options, [recorder(history)]);
  instance.pushRinging.connect(pushRecorder(pushes));
  return {
    name: 'redis',
    calls: instance.calls,
    history,
    pushes,
    linkPushDevice: (session, device) => instance.pushRinging.linkDevice(session.id, device),
    isRinging: (callId, callee) => instance.pushRinging.isRinging(callId, callee),
    decline: (callId, callee) => instance.pushRinging.decline(callId, callee),
    open: (username, v2 = false) => openRedisPeer(instance, username, v2),
    admit: (username) => admitRedisPeer(instance, username, false),
    listed: (username) => instance.sessions.sessionsOf(username),
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
