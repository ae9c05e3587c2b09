import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CallObserver, CallSummary, EndCode } from '../signaling/call-machine.types.js';
import type { ServerMessage } from '../signaling/protocol.js';
import { METRIC_PREFIX, MetricsRegistry } from './metrics-registry.js';

/** What this instance holds right now, read at scrape time so that the gauges cannot drift. */
export interface SignalingCensus {
  /** Sessions with a connected socket. */
  readonly connected: () => number;
  /** v2 sessions waiting in their resume window (in memory mode: with Redis they wait in Redis). */
  readonly resuming?: () => number;
  /** Calls by state; undefined where calls are not held here (with Redis they live in Redis). */
  readonly calls?: () => { ringing: number; active: number };
}

/**
 * The limiters whose refusals are counted: a socket's message rate, call starts, the login
 * lock-out, the upgrades refused for the process's socket cap or an account's pending sockets,
 * and the request budgets by name (`http:account`, `http:contact requests`, `http:ws upgrades`…).
 */
export type Limiter =
  'ws_messages' | 'call_starts' | 'login_lockout' | 'ws_sockets' | 'ws_pending' | `http:${string}`;

const RELAYED_TYPES = ['offer', 'answer', '_ice', 'media_state'] as const;
type RelayedType = (typeof RELAYED_TYPES)[number];

/**
 * The signaling metrics, fed by the gateways: a session reports every message it is sent
 * (`sent`, on the relay path: one switch and one addition), the call machine reports
 * state changes as a CallObserver, and the gauges read a census at scrape time. Labels are only
 * ever protocol codes and message types, never anything a user chose.
 */
@Injectable()
export class SignalingMetrics implements CallObserver {
  private readonly registers: Registry[];
  /**
   * Relayed messages by type as plain numbers, handed to prom-client when scraped: a prom-client
   * `inc` per relayed frame was about 2 % of the relay path's CPU (bench/peers/profile.md).
   */
  private readonly relayed: Record<RelayedType, number> = {
    offer: 0,
    answer: 0,
    _ice: 0,
    media_state: 0,
  };
  private readonly errors: Counter<'code'>;
  private readonly setups: Counter;
  private readonly outcomes: Counter<'code'>;
  private readonly ended: Counter<'code'>;
  private readonly limited: Counter<'limiter'>;
  private readonly redisSeconds: Histogram<'command'>;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.registers = registers;
    const relayed = this.relayed;
    const scraped = { ...relayed };
    new Counter({
      name: `${METRIC_PREFIX}relayed_messages_total`,
      help: 'Messages relayed from one party of a call to the other, by type',
      labelNames: ['type'],
      registers,
      collect() {
        for (const type of RELAYED_TYPES) {
          this.inc({ type }, relayed[type] - scraped[type]);
          scraped[type] = relayed[type];
        }
      },
    });
    this.errors = new Counter({
      name: `${METRIC_PREFIX}errors_sent_total`,
      help: 'Error messages sent to signaling clients, by code',
      labelNames: ['code'],
      registers,
    });
    this.setups = new Counter({
      name: `${METRIC_PREFIX}call_setups_total`,
      help: 'call_start requests that reached the call machine (rung or not)',
      registers,
    });
    this.outcomes = new Counter({
      name: `${METRIC_PREFIX}call_setup_outcomes_total`,
      help: 'How call setups ended: accepted, or the code of a call that never became active',
      labelNames: ['code'],
      registers,
    });
    this.ended = new Counter({
      name: `${METRIC_PREFIX}calls_ended_total`,
      help: 'Active calls that ended, by code',
      labelNames: ['code'],
      registers,
    });
    this.limited = new Counter({
      name: `${METRIC_PREFIX}rate_limit_hits_total`,
      help: 'Requests refused by a rate limiter, by limiter',
      labelNames: ['limiter'],
      registers,
    });
    this.redisSeconds = new Histogram({
      name: `${METRIC_PREFIX}redis_command_seconds`,
      help: 'Redis command latency as this instance sees it (REDIS_URL only), by command',
      labelNames: ['command'],
      buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.5],
      registers,
    });
  }

  /**
   * The gateway of this instance registers what the gauges read, once, at start-up. What the
   * census does not hold (with Redis: calls, sessions away) has no gauge rather than a false 0.
   */
  watch(census: SignalingCensus): void {
    const registers = this.registers;
    new Gauge({
      name: `${METRIC_PREFIX}sessions_open`,
      help: 'Signaling sessions with a connected socket on this instance',
      registers,
      collect() {
        this.set(census.connected());
      },
    });
    const { resuming, calls } = census;
    if (resuming) {
      new Gauge({
        name: `${METRIC_PREFIX}sessions_resumable`,
        help: 'Signaling sessions whose socket dropped, waiting in their resume window',
        registers,
        collect() {
          this.set(resuming());
        },
      });
    }
    if (calls) {
      new Gauge({
        name: `${METRIC_PREFIX}calls`,
        help: 'Calls by state',
        labelNames: ['state'],
        registers,
        collect() {
          const { ringing, active } = calls();
          this.set({ state: 'ringing' }, ringing);
          this.set({ state: 'active' }, active);
        },
      });
    }
  }

  /** Every message a session is sent. Hot path: relayed frames cost one switch and one inc. */
  sent(message: ServerMessage): void {
    switch (message.type) {
      case 'offer':
      case 'answer':
      case '_ice':
      case 'media_state':
        this.relayed[message.type] += 1;
        return;
      case 'error':
        return this.errors.labels(message.code).inc();
    }
  }

  rateLimited(limiter: Limiter): void {
    this.limited.labels(limiter).inc();
  }

  /** One Redis command's round trip (src/redis/redis-connection.ts). */
  redisCommand(command: string, seconds: number): void {
    this.redisSeconds.labels(command.toLowerCase()).observe(seconds);
  }

  callStarted(): void {
    this.setups.inc();
  }

  callAnswered(): void {
    this.outcomes.labels('accepted').inc();
  }

  /** A call never answered ends its setup with this code; an answered one ends as a call. */
  callEnded(call: CallSummary, code: EndCode): void {
    (call.calleeSession === undefined ? this.outcomes : this.ended).labels(code).inc();
  }
}
