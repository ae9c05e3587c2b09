import {
  type ClientMessage,
  CloseCode,
  type ServerMessage,
  SIGNALING_PATH,
} from '../../src/signaling/protocol.js';
import { goToLogin } from '../http.js';
import { reconnectDelayMs } from './backoff.js';

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'online' }
  | { kind: 'waiting'; retryInMs: number }
  /** Closed by the server because the account opened too many sessions: do not fight it. */
  | { kind: 'replaced' };

export interface SignalingEvents {
  message(message: ServerMessage): void;
  state(state: ConnectionState): void;
  /** The socket closed; any call it carried is over for the server. */
  lost(): void;
}

/**
 * The page's WebSocket to /signaling, authenticated by the login cookie. Reconnects with backoff
 * after a drop; goes to the login page when the server says the login is no longer valid.
 */
export class SignalingClient {
  private socket: WebSocket | undefined;
  private attempt = 0;

  constructor(private readonly events: SignalingEvents) {}

  start(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}${SIGNALING_PATH}`);
    this.socket = socket;
    this.events.state({ kind: 'connecting' });
    let opened = false;
    socket.addEventListener('open', () => {
      opened = true;
    });
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      const message = parse(event.data);
      if (message?.type === 'welcome') {
        this.attempt = 0;
        this.events.state({ kind: 'online' });
      }
      if (message) {
        this.events.message(message);
      }
    });
    socket.addEventListener('close', (event) => {
      this.socket = undefined;
      this.events.lost();
      void this.afterClose(event.code, opened);
    });
  }

  /** False when there is no open connection (the message is not queued: calls cannot wait). */
  send(message: ClientMessage): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) {
      return false;
    }
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private async afterClose(code: number, opened: boolean): Promise<void> {
    if (code === CloseCode.TOKEN_EXPIRED || (!opened && !(await loginStillValid()))) {
      // A refused upgrade (401) looks like any network failure to a page: ask the API which it was.
      goToLogin();
      return;
    }
    if (code === CloseCode.SESSION_REPLACED) {
      this.events.state({ kind: 'replaced' });
      return;
    }
    const retryInMs = reconnectDelayMs(this.attempt);
    this.attempt += 1;
    this.events.state({ kind: 'waiting', retryInMs });
    setTimeout(() => this.start(), retryInMs);
  }
}

function parse(data: unknown): ServerMessage | undefined {
  if (typeof data !== 'string') {
    return undefined;
  }
  try {
    const message: unknown = JSON.parse(data);
    return typeof message === 'object' && message !== null && 'type' in message
      ? (message as ServerMessage)
      : undefined;
  } catch {
    return undefined;
  }
}

/** True unless the API answers 401; a server that is down says nothing about the login. */
async function loginStillValid(): Promise<boolean> {
  try {
    const response = await fetch('/users/me', { credentials: 'same-origin' });
    return response.status !== 401;
  } catch {
    return true;
  }
}
