import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { WebSocket } from 'ws';
import { RateBuckets } from '../auth/rate-buckets.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { AppConfig } from '../config/app-config.js';
import { SignalingMetrics } from '../metrics/signaling-metrics.js';
import { SUBPROTOCOL_V2 } from './protocol.js';
import { expressTrust, upgradeClientKey } from './resume/upgrade-address.js';

/** An upgrade refused before the 101: the HTTP status, the sentence, and when to come back. */
export interface UpgradeRefusal {
  status: 429 | 503;
  reason: string;
  retryAfterSeconds: number;
}

/** How long a client refused for the process's socket cap is asked to wait. */
const FULL_RETRY_AFTER_SECONDS = 10;

/**
 * What a WebSocket costs before it is a session, decided at the upgrade (before the 101) for both
 * gateways. A protocol 2 socket is no session until its first frame, so MAX_SESSIONS_PER_USER does
 * not see it; without these limits one account held thousands of them, and enough sockets of
 * anyone's took every file descriptor, HTTP and /health included.
 *
 * - WS_MAX_SOCKETS: every socket of this process, pending or not; beyond, `503` — below the file
 *   limit, so HTTP and /health keep their descriptors.
 * - WS_UPGRADES_PER_ADDRESS: upgrades a minute per client address (clientAddressKey, as every
 *   per-address limit), counted before the token is looked at; `429`. Shared by the instances
 *   with REDIS_URL, like the other request budgets.
 * - WS_MAX_PENDING_PER_USER: protocol 2 sockets of one account still waiting for their first
 *   frame, in this process; `429`.
 * - WS_FIRST_FRAME_TIMEOUT_MS: a protocol 2 socket that has not spoken by then is cut.
 *
 * A connection is counted from its upgrade request until it closes, whether or not the handshake
 * completes, so nothing leaks when a client vanishes half-way.
 */
@Injectable()
export class UpgradeAdmission {
  private readonly open = new Set<Socket>();
  private readonly pendingByUser = new Map<string, number>();
  /** What ends a pending upgrade's wait, until its WebSocket is open (see opened). */
  private readonly releases = new WeakMap<IncomingMessage, () => void>();
  private readonly limits: AppConfig['signaling']['sockets'];

  constructor(
    config: AppConfig,
    private readonly buckets: RateBuckets,
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: SignalingMetrics,
  ) {
    this.limits = config.signaling.sockets;
  }

  /** Sockets this process holds (admitted upgrades whose connection is still open). */
  get sockets(): number {
    return this.open.size;
  }

  /** Before anything else about the upgrade: the process's cap, then the address's budget. */
  async admitConnection(request: IncomingMessage): Promise<UpgradeRefusal | undefined> {
    if (this.open.size >= this.limits.maxSockets) {
      this.metrics.rateLimited('ws_sockets');
      return {
        status: 503,
        reason: 'The server is at its connection limit; try again later',
        retryAfterSeconds: FULL_RETRY_AFTER_SECONDS,
      };
    }
    // Counted from now, before anything is awaited, so that concurrent upgrades cannot all pass;
    // a refusal further on frees the place when its connection closes.
    const socket = request.socket;
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    const address = upgradeClientKey(request, expressTrust(this.adapterHost));
    const wait = await this.buckets.take('ws upgrades', address, this.limits.upgradesPerAddress);
    if (wait > 0) {
      return {
        status: 429,
        reason: `Too many connections from your address; try again in ${wait} seconds`,
        retryAfterSeconds: wait,
      };
    }
    return undefined;
  }

  /**
   * After the token: a protocol 2 socket waits for its first frame within the account's pending
   * cap, and counts as pending from now on.
   */
  admitUser(request: IncomingMessage, user: AuthenticatedUser): UpgradeRefusal | undefined {
    const v2 = asksForV2(request);
    if (v2 && (this.pendingByUser.get(user.username) ?? 0) >= this.limits.maxPendingPerUser) {
      this.metrics.rateLimited('ws_pending');
      return {
        status: 429,
        reason: 'Too many connections of this account are waiting for their first message',
        retryAfterSeconds: Math.ceil(this.limits.firstFrameMs / 1000),
      };
    }
    if (v2) {
      this.holdPending(request, user.username);
    }
    return undefined;
  }

  /** The upgrade's WebSocket is open: its first frame ends its wait (see admitUser). */
  opened(socket: WebSocket, request: IncomingMessage): void {
    const release = this.releases.get(request);
    if (release) {
      socket.once('message', release);
    }
  }

  /**
   * The socket counts against its account until its first frame or its close; without a frame
   * within WS_FIRST_FRAME_TIMEOUT_MS its connection is cut (the gateway sees a drop, 1006).
   */
  private holdPending(request: IncomingMessage, username: string): void {
    const socket = request.socket;
    this.pendingByUser.set(username, (this.pendingByUser.get(username) ?? 0) + 1);
    let held = true;
    const release = (): void => {
      if (!held) {
        return;
      }
      held = false;
      clearTimeout(timer);
      this.releases.delete(request);
      const left = (this.pendingByUser.get(username) ?? 1) - 1;
      if (left > 0) {
        this.pendingByUser.set(username, left);
      } else {
        this.pendingByUser.delete(username);
      }
    };
    const timer = setTimeout(() => {
      release();
      socket.destroy();
    }, this.limits.firstFrameMs);
    timer.unref();
    socket.once('close', release);
    this.releases.set(request, release);
  }
}

/** Whether the upgrade offers protocol 2 (the adapter then picks it: see SignalingWsAdapter). */
function asksForV2(request: IncomingMessage): boolean {
  return (request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .some((offered) => offered.trim() === SUBPROTOCOL_V2);
}
