import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsoleLogger, Logger, type LoggerService } from '@nestjs/common';
import { WebSocket } from 'ws';
import type { TokenRevocations } from '../../../auth/token-revocations.js';
import type { AuthenticatedUser } from '../../../auth/token.service.js';
import type { CallHistoryService } from '../../../calls/call-history.service.js';
import { loadConfig } from '../../../config/load-config.js';
import type { ContactEvents } from '../../../contacts/contact-events.js';
import type { CallPolicy } from '../../../privacy/call-policy.js';
import { LocalPresence } from '../../../users/presence.js';
import type { CallObserver } from '../../call-machine.types.js';
import type { ServerMessage } from '../../protocol.js';
import type { ResumeService } from '../../resume/resume.service.js';
import { SessionRegistry } from '../../session-registry.js';
import { MemoryBackend } from './memory-backend.js';
import { SignalingGateway } from '../../signaling.gateway.js';
import { MetricsRegistry } from '../../../metrics/metrics-registry.js';
import { SignalingMetrics } from '../../../metrics/signaling-metrics.js';
import type { UpgradeAuthenticator } from '../../upgrade-authenticator.js';

/** The part of a `ws` socket the gateway uses, recording what the server does with it. */
class FakeSocket extends EventEmitter {
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  readonly received: ServerMessage[] = [];
  closeCode: number | undefined;

  send(data: string): void {
    this.received.push(JSON.parse(data) as ServerMessage);
  }

  close(code: number): void {
    if (this.readyState === WebSocket.OPEN) {
      this.readyState = WebSocket.CLOSING;
      this.closeCode = code;
      setImmediate(() => this.emit('close', code, Buffer.alloc(0)));
    }
  }

  terminate(): void {
    this.close(1006);
  }

  ping(): void {}

  frame(message: object): void {
    this.emit('message', Buffer.from(JSON.stringify(message)), false);
  }

  last(): ServerMessage | undefined {
    return this.received.at(-1);
  }
}

const logged: unknown[] = [];
const capture: LoggerService = {
  log: () => undefined,
  error: (message: unknown) => logged.push(message),
  warn: () => undefined,
  debug: () => undefined,
  verbose: () => undefined,
};

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SignalingGateway: one failing frame never takes more than its own socket down', () => {
  let gateway: SignalingGateway;
  let failOn: keyof CallObserver | undefined;

  beforeAll(() => {
    Logger.overrideLogger(capture);
  });
  afterAll(() => {
    Logger.overrideLogger(new ConsoleLogger());
  });

  beforeEach(() => {
    logged.length = 0;
    failOn = undefined;
    const presence = new LocalPresence();
    const users: Record<string, AuthenticatedUser> = {};
    // A history observer that can be told to fail: stands for any bug behind a frame.
    const history = {
      callStarted: () => failIf('callStarted'),
      callAnswered: () => failIf('callAnswered'),
      callEnded: () => undefined,
      flush: () => Promise.resolve(),
    };
    const registry = new SessionRegistry(
      presence,
      { onRevoked: () => undefined } as unknown as TokenRevocations,
      { subscribe: () => undefined } as unknown as ContactEvents,
    );
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) });
    gateway = new SignalingGateway(
      registry,
      { userOf: (request: IncomingMessage) => users[request.url ?? ''] } as UpgradeAuthenticator,
      { access: () => Promise.resolve('ring') } as unknown as CallPolicy,
      history as unknown as CallHistoryService,
      config,
      // Protocol 1 sockets only here (FakeSocket asks for no subprotocol): resume is never used.
      new MemoryBackend(registry, config, {} as ResumeService),
      new SignalingMetrics(new MetricsRegistry()),
    );
    connect = (username) => {
      users[username] = {
        id: username,
        username,
        displayName: username,
        expiresAt: Date.now() + 3_600_000,
      } as AuthenticatedUser;
      const socket = new FakeSocket();
      gateway.handleConnection(
        socket as unknown as WebSocket,
        { url: username } as IncomingMessage,
      );
      return socket;
    };
  });

  let connect: (username: string) => FakeSocket;

  function failIf(event: keyof CallObserver): void {
    if (failOn === event) {
      throw new Error('disk on fire');
    }
  }

  async function activeCall(caller: FakeSocket, callee: FakeSocket, peer: string, me: string) {
    caller.frame({ type: 'call_start', toUser: peer });
    await settle();
    callee.frame({ type: 'call_back', toUser: me, msg: '1' });
    await settle();
  }

  it('closes the socket whose frame threw with 1011, logs it, and the peer hears "disconnected"', async () => {
    const alice = connect('alice');
    const bob = connect('bob');
    alice.frame({ type: 'call_start', toUser: 'bob' });
    await settle();
    failOn = 'callAnswered';
    bob.frame({ type: 'call_back', toUser: 'alice', msg: '1' });
    await settle();
    expect(bob.closeCode).toBe(1011);
    expect(logged).toStrictEqual([
      {
        msg: 'session failed',
        sessionId: expect.any(String),
        user: 'bob',
        err: new Error('disk on fire'),
      },
    ]);
    expect(alice.last()).toMatchObject({ type: 'hangup', code: 'disconnected' });
    expect(alice.closeCode).toBe(undefined);
  });

  it('does the same when the failure comes after an await (call_start looks the callee up)', async () => {
    const alice = connect('alice');
    connect('bob');
    failOn = 'callStarted';
    alice.frame({ type: 'call_start', toUser: 'bob' });
    await settle();
    expect(alice.closeCode).toBe(1011);
    expect(logged).toHaveLength(1);
  });

  it('leaves every other session and call working', async () => {
    const alice = connect('alice');
    const bob = connect('bob');
    const carol = connect('carol');
    const dave = connect('dave');
    await activeCall(carol, dave, 'dave', 'carol');
    alice.frame({ type: 'call_start', toUser: 'bob' });
    await settle();
    failOn = 'callAnswered';
    bob.frame({ type: 'call_back', toUser: 'alice', msg: '1' });
    await settle();
    expect(bob.closeCode).toBe(1011);
    carol.frame({ type: 'offer', toUser: 'dave', sdp: 'v=0' });
    expect(dave.last()).toMatchObject({ type: 'offer', fromUser: 'carol', sdp: 'v=0' });
    expect([carol.closeCode, dave.closeCode]).toStrictEqual([undefined, undefined]);
  });
});
