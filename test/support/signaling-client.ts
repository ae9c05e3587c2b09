import { WebSocket } from 'ws';
import type {
  ClientMessage,
  ServerFrame,
  ServerMessageOf,
  ServerMessageType,
} from '../../src/signaling/protocol.js';

const DEFAULT_TIMEOUT_MS = 3000;

/** How an upgrade attempt ended: the HTTP status of a refused upgrade, or an open socket. */
export type UpgradeOutcome = { status: number } | { client: SignalingClient };

/**
 * A real `ws` client for the signaling endpoint that queues what the server sends, so tests can
 * await "the next message" and assert that nothing else arrived.
 */
export class SignalingClient {
  private readonly inbox: ServerFrame[] = [];
  private waiter: (() => void) | undefined;
  /** Protocol 2: the `seq` of the latest message taken from the inbox (what `resume` sends). */
  lastSeq = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  /** How the server closed the socket, once it has (a receive then fails at once, saying so). */
  private closedWith: { code: number; reason: string } | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.inbox.push(JSON.parse((data as Buffer).toString()) as ServerFrame);
      this.waiter?.();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        this.closedWith = { code, reason: reason.toString() };
        this.waiter?.();
        resolve(this.closedWith);
      }),
    );
  }

  /** Opens a socket; resolves with the refused status instead when the upgrade is denied. */
  static open(
    baseUrl: string,
    options: {
      token?: string;
      cookie?: string;
      origin?: string;
      query?: string;
      /** WebSocket subprotocols to ask for, e.g. protocol 2's `dialtone.v2`. */
      protocols?: string[];
    } = {},
  ): Promise<UpgradeOutcome> {
    const headers: Record<string, string> = {};
    if (options.token) {
      headers.authorization = `Bearer ${options.token}`;
    }
    if (options.cookie) {
      headers.cookie = `dialtone_token=${options.cookie}`;
    }
    if (options.origin) {
      headers.origin = options.origin;
    }
    const url = `${baseUrl.replace(/^http/, 'ws')}/signaling${options.query ?? ''}`;
    const socket = new WebSocket(url, options.protocols ?? [], { headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve({ client: new SignalingClient(socket) }));
      socket.once('unexpected-response', (_request, response) => {
        resolve({ status: response.statusCode ?? 0 });
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  /** Opens a socket that must be accepted, and consumes its `welcome`. */
  static async connect(baseUrl: string, token: string): Promise<SignalingClient> {
    const outcome = await SignalingClient.open(baseUrl, { token });
    if (!('client' in outcome)) {
      throw new Error(`upgrade refused with ${outcome.status}`);
    }
    await outcome.client.next('welcome');
    return outcome.client;
  }

  send(message: ClientMessage | Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** The next message, which must be of `type`; fails after a timeout. */
  async next<T extends ServerMessageType>(
    type: T,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<ServerMessageOf<T>> {
    const message = await this.receive(timeoutMs);
    if (message.type !== type) {
      throw new Error(`expected "${type}", got ${JSON.stringify(message)}`);
    }
    return message as ServerMessageOf<T>;
  }

  /** The next message of any type; fails after a timeout. */
  async receive(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ServerFrame> {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (this.closedWith) {
        const { code, reason } = this.closedWith;
        throw new Error(`no message: the socket closed with ${code} (${reason})`);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no message within ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const message = this.inbox.shift()!;
    if ('seq' in message && message.seq !== undefined) {
      this.lastSeq = message.seq;
    }
    return message;
  }

  /** Asserts that nothing arrives for `ms`. */
  async expectSilence(ms = 150): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    if (this.inbox.length > 0) {
      throw new Error(`expected no message, got ${JSON.stringify(this.inbox[0])}`);
    }
  }

  close(): void {
    this.socket.close();
  }
}
