import { EventEmitter } from 'node:events';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { HttpAdapterHost } from '@nestjs/core';
import type { WebSocket } from 'ws';
import { LocalRateBuckets } from '../auth/rate-buckets.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { loadConfig } from '../config/load-config.js';
import type { SignalingMetrics } from '../metrics/signaling-metrics.js';
import { UpgradeAdmission } from './upgrade-admission.js';

const adapterHost = {
  httpAdapter: { getInstance: () => ({ get: () => () => false }) },
} as unknown as HttpAdapterHost;
const metrics = { rateLimited: () => undefined } as unknown as SignalingMetrics;
const alice: AuthenticatedUser = {
  id: 'a',
  username: 'alice',
  displayName: 'Alice',
  tokenId: 't',
  generation: 0,
  expiresAt: Date.now() + 3_600_000,
};

function admission(env: Record<string, string>): UpgradeAdmission {
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), ...env });
  return new UpgradeAdmission(config, new LocalRateBuckets(), adapterHost, metrics);
}

function upgrade(v2: boolean): IncomingMessage {
  const request = new IncomingMessage(new Socket());
  request.headers = v2 ? { 'sec-websocket-protocol': 'dialtone.v2' } : {};
  return request;
}

/** Admits the upgrade as the adapter does: connection, then (the token being valid) the user. */
async function admit(limits: UpgradeAdmission, request: IncomingMessage) {
  return (await limits.admitConnection(request)) ?? limits.admitUser(request, alice);
}

describe('UpgradeAdmission', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('counts concurrent upgrades before anything is awaited, and frees a place at the close', async () => {
    const limits = admission({ WS_MAX_SOCKETS: '2' });
    const requests = [upgrade(false), upgrade(false), upgrade(false)];
    const outcomes = await Promise.all(requests.map((request) => admit(limits, request)));
    expect(outcomes.map((refusal) => refusal?.status)).toStrictEqual([undefined, undefined, 503]);
    requests[0].socket.emit('close');
    expect(await admit(limits, upgrade(false))).toBeUndefined();
    expect(limits.sockets).toBe(2); // one refused at the cap was never counted
  });

  it('holds an account to its pending protocol 2 sockets until a first frame or a close', async () => {
    const limits = admission({ WS_MAX_PENDING_PER_USER: '2' });
    const first = upgrade(true);
    const second = upgrade(true);
    expect(await admit(limits, first)).toBeUndefined();
    expect(await admit(limits, second)).toBeUndefined();
    expect((await admit(limits, upgrade(true)))?.status).toBe(429);
    expect(await admit(limits, upgrade(false))).toBeUndefined(); // protocol 1: a session at once
    const socket = new EventEmitter() as unknown as WebSocket;
    limits.opened(socket, first);
    socket.emit('message', Buffer.from('{"type":"ping"}'));
    expect(await admit(limits, upgrade(true))).toBeUndefined();
    second.socket.emit('close');
    expect(await admit(limits, upgrade(true))).toBeUndefined();
    expect((await admit(limits, upgrade(true)))?.status).toBe(429);
  });

  it('cuts a pending socket after WS_FIRST_FRAME_TIMEOUT_MS, and frees its place', async () => {
    const limits = admission({ WS_MAX_PENDING_PER_USER: '1', WS_FIRST_FRAME_TIMEOUT_MS: '1000' });
    const silent = upgrade(true);
    const destroy = jest.spyOn(silent.socket, 'destroy');
    expect(await admit(limits, silent)).toBeUndefined();
    jest.advanceTimersByTime(999);
    expect(destroy).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(destroy).toHaveBeenCalled();
    expect(await admit(limits, upgrade(true))).toBeUndefined();
  });
});
