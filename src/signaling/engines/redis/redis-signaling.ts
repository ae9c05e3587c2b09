import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../../../config/app-config.js';
import { type CommandTimer, RedisConnection } from './redis-connection.js';
import { ClusterBus } from './cluster-bus.js';
import { ClusterPushRinging } from './cluster-push-ringing.js';
import { RedisCallSwitch } from './redis-call-switch.js';
import { RedisSessions } from './redis-sessions.js';
import { SignalingScripts } from './signaling-scripts.js';
import { TimerWheel } from './timer-wheel.js';

const HEARTBEAT_INTERVAL_MS = 1000;
/**
 * An instance whose heartbeat is this old is dead: any instance's next sweep (every 500 ms) hands
 * its sessions to their resume windows, so peers hear `reconnecting` within ~6 s of a kill -9.
 */
export const HEARTBEAT_TTL_MS = 5000;
/** Cut off from Redis this long, an instance has been declared dead: it fences itself. */
const FENCE_AFTER_MS = HEARTBEAT_TTL_MS;
/** How long an ended v2 session is remembered (a late resume hears "expired"), as in memory. */
const ENDED_SESSION_MS = 60 * 60 * 1000;

/**
 * One instance's part in a Redis deployment: its node id, the scripts, sessions, calls and timers,
 * its heartbeat, and its fencing. An instance that is declared dead (it missed its heartbeats, so
 * its sessions were handed to their resume windows elsewhere) or that cannot reach Redis for
 * FENCE_AFTER_MS fences itself: it closes its sockets with 1012 (the clients resume on another
 * instance, or on this one once Redis is back) and refuses new ones until it reaches Redis again.
 */
export class RedisSignaling {
  private readonly logger = new Logger('RedisSignaling');
  readonly node = randomUUID();
  readonly scripts: SignalingScripts;
  readonly timers: TimerWheel;
  readonly sessions: RedisSessions;
  readonly calls: RedisCallSwitch;
  /** Web Push ringing (issue 21): pushes once per call across the instances. */
  readonly pushRinging: ClusterPushRinging;
  /** Presence changes, revocations and contact events, for every instance. */
  readonly bus: ClusterBus;
  /** Shutting down: /health says 503 and new sockets are refused. */
  draining = false;
  private fenced = false;
  private lastBeat = Date.now();
  private beating: NodeJS.Timeout | undefined;
  private readonly fenceListeners: ((reason: string) => void)[] = [];

  private constructor(
    readonly connection: RedisConnection,
    config: AppConfig,
  ) {
    const { signaling } = config;
    this.scripts = new SignalingScripts(connection, config.redis!.keyPrefix, {
      bufferMessages: signaling.resume.bufferMessages,
      bufferBytes: signaling.resume.bufferBytes,
      windowMs: signaling.resume.windowMs,
      ringTimeoutMs: signaling.ringTimeoutMs,
      endedMs: ENDED_SESSION_MS,
    });
    this.timers = new TimerWheel(this.scripts, {
      ring: signaling.ringTimeoutMs,
      window: signaling.resume.windowMs,
    });
    this.sessions = new RedisSessions(
      this.scripts,
      this.timers,
      this.node,
      signaling.maxSessionsPerUser,
    );
    this.calls = new RedisCallSwitch(this.scripts, this.timers);
    this.pushRinging = new ClusterPushRinging(this.scripts);
    this.bus = new ClusterBus(connection, this.scripts.keys.one.bus);
  }

  /** Connects, loads the scripts and beats once; throws RedisUnavailableError (REDIS_URL). */
  static async start(config: AppConfig, timer?: CommandTimer): Promise<RedisSignaling> {
    const connection = new RedisConnection(config.redis!.url, timer);
    await connection.connect();
    const signaling = new RedisSignaling(connection, config);
    await signaling.scripts.load();
    await signaling.bus.start();
    await signaling.beat();
    signaling.beating = setInterval(() => void signaling.beat(), HEARTBEAT_INTERVAL_MS);
    signaling.beating.unref();
    signaling.timers.start();
    return signaling;
  }

  /** Whether this instance should get traffic: not draining, not fenced, Redis answering. */
  get serving(): boolean {
    return !this.draining && !this.fenced && this.connection.ready;
  }

  /** Called when this instance fences itself; the gateway closes its sockets with 1012. */
  onFence(listener: (reason: string) => void): void {
    this.fenceListeners.push(listener);
  }

  /** Hands every session held here to its resume window (shutdown). */
  async release(): Promise<void> {
    await this.scripts.run('release', [this.node]);
  }

  async stop(): Promise<void> {
    clearInterval(this.beating);
    this.timers.stop();
    await this.connection.close();
  }

  private async beat(): Promise<void> {
    try {
      const unknown = await this.scripts.run<number>('heartbeat', [
        this.node,
        String(HEARTBEAT_TTL_MS),
      ]);
      const declaredDead = unknown === 1 && this.beating !== undefined;
      this.lastBeat = Date.now();
      if (declaredDead) {
        this.fence('declared dead by the other instances (missed heartbeats)');
      }
      if (this.fenced) {
        // Whatever was still registered here goes to its window; then serve again.
        await this.release();
        await this.scripts.run('heartbeat', [this.node, String(HEARTBEAT_TTL_MS)]);
        this.fenced = false;
        this.logger.log('Redis reachable again: serving');
      }
    } catch (error) {
      if (Date.now() - this.lastBeat > FENCE_AFTER_MS) {
        this.fence(`cut off from Redis for over ${FENCE_AFTER_MS} ms (${String(error)})`);
      }
    }
  }

  private fence(reason: string): void {
    if (this.fenced) {
      return;
    }
    this.fenced = true;
    this.logger.warn(`fencing: ${reason}; closing every socket with 1012`);
    this.fenceListeners.forEach((listener) => listener(reason));
  }
}
