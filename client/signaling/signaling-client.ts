import {
  type ClientMessage,
  CloseCode,
  type PushDeviceRequest,
  type ResumedCall,
  type ServerFrame,
  type ServerMessage,
  SIGNALING_PATH,
  SUBPROTOCOL_V2,
  V2_PING_INTERVAL_MS,
} from '../../src/signaling/protocol.js';
import { goToLogin } from '../http.js';
import { reconnectDelayMs } from './backoff.js';
import { type ResumeSnapshot, SessionResume } from './session-resume.js';

/** Heard nothing (the server pongs every ping) for this long: the socket is dead, resume. */
const SILENCE_MS = 2.5 * V2_PING_INTERVAL_MS;

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'online' }
  /** Reconnects by itself at `retryAt` (ms since the epoch), or sooner with retryNow(). */
  | { kind: 'waiting'; retryAt: number }
  /** Closed by the server because the account opened too many sessions: do not fight it. */
  | { kind: 'replaced' };

export interface SignalingEvents {
  message(message: ServerMessage): void;
  state(state: ConnectionState): void;
  /**
   * The session is over: the socket closed and cannot be resumed (`disconnected`), or the server
   * refused the resume (`not_resumed`). Any call it carried is over.
   */
  lost(reason: 'disconnected' | 'not_resumed'): void;
  /** The socket dropped; the session waits for a resume (its window), and a call goes on. */
  away(): void;
  /** Resumed on a new socket; `call` is the session's call as the server sees it. */
  back(call: ResumedCall | null): void;
}

/**
 * The page's WebSocket to /signaling (protocol 2), authenticated by the login cookie. After an
 * unexpected drop it resumes the session at once, then with backoff (and at once again when the
 * network comes back or the page is shown), so that a call survives; goes to the login page when
 * the server says the login is no longer valid.
 */
export class SignalingClient {
  private socket: WebSocket | undefined;
  private attempt = 0;
  private retryTimer: number | undefined;
  private readonly session = new SessionResume();
  /** Since the first drop, until resumed or given up. */
  private away = false;
  private windowTimer: number | undefined;

  /** `restored`: the session a previous page of this tab left on reload, resumed first. */
  constructor(
    private readonly events: SignalingEvents,
    restored?: ResumeSnapshot,
  ) {
    if (restored) {
      this.session.restore(restored);
    }
    window.addEventListener('online', () => this.retryNow());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') {
        this.retryNow();
      }
    });
  }

  start(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}${SIGNALING_PATH}`, SUBPROTOCOL_V2);
    this.socket = socket;
    this.events.state({ kind: 'connecting' });
    let opened = false;
    let heardAt = Date.now();
    let heartbeat: number | undefined;
    socket.addEventListener('open', () => {
      opened = true;
      heardAt = Date.now();
      socket.send(JSON.stringify(this.session.opening())); // protocol 2: the client speaks first
      heartbeat = window.setInterval(() => {
        if (Date.now() - heardAt > SILENCE_MS) {
          clearInterval(heartbeat);
          this.abandon(socket); // half-open: the browser may not notice for minutes
        } else {
          socket.send(JSON.stringify({ type: 'ping' }));
        }
      }, V2_PING_INTERVAL_MS);
    });
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      heardAt = Date.now();
      const frame = parse(event.data);
      if (frame && this.socket === socket) {
        this.received(frame);
      }
    });
    socket.addEventListener('close', (event) => {
      clearInterval(heartbeat);
      if (this.socket === socket) {
        this.socket = undefined;
        void this.afterClose(event.code, opened);
      }
    });
  }

  /** Skips the rest of the wait before the next reconnect attempt. */
  retryNow(): void {
    if (this.retryTimer !== undefined) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.start();
    }
  }

  /** False when there is no open connection (the message is not queued: calls cannot wait). */
  send(message: ClientMessage | PushDeviceRequest): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) {
      return false;
    }
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /**
   * The page is unloading (a reload, mid-call): closes the socket with a code that keeps the
   * session waiting for a resume (1000/1001, the browser's own, would end it and the call), and
   * returns what the next page of this tab needs to resume it.
   */
  leaveForReload(): ResumeSnapshot | undefined {
    const snapshot = this.session.snapshot();
    const socket = this.socket;
    if (!snapshot || !socket) {
      return undefined;
    }
    this.socket = undefined;
    socket.close(CloseCode.CLIENT_RESUMING, 'Page reloading');
    return snapshot;
  }

  private received(frame: ServerFrame): void {
    switch (frame.type) {
      case 'pong':
        return;
      case 'resumed':
        this.session.resumed(frame);
        this.connected();
        this.events.back(frame.call);
        return;
      case 'resume_failed':
        this.session.forget(); // a new session's welcome follows on this socket
        this.connected();
        this.events.lost('not_resumed');
        return;
      default:
        if (!this.session.fresh(frame)) {
          return; // handled before the drop
        }
        if (frame.type === 'welcome') {
          this.session.welcomed(frame);
          this.connected();
        }
        this.events.message(frame);
    }
  }

  private connected(): void {
    this.attempt = 0;
    this.away = false;
    clearTimeout(this.windowTimer);
    this.events.state({ kind: 'online' });
  }

  /** The session cannot be resumed any more: whatever it carried is over. */
  private giveUp(): void {
    clearTimeout(this.windowTimer);
    this.away = false;
    this.session.forget();
    this.events.lost('disconnected');
  }

  /** Gives up on a socket that went silent, without waiting for a close handshake. */
  private abandon(socket: WebSocket): void {
    this.socket = undefined;
    socket.close(CloseCode.CLIENT_RESUMING, 'No answer from the server');
    void this.afterClose(CloseCode.CLIENT_RESUMING, true);
  }

  private async afterClose(code: number, opened: boolean): Promise<void> {
    // A refused upgrade (401) looks like any network failure to a page: ask the API which it was.
    // After a 4001 too: a password change elsewhere on this browser logged the old token out but
    // left a new cookie, with which this page carries on.
    if ((code === CloseCode.TOKEN_EXPIRED || !opened) && !(await loginStillValid())) {
      goToLogin();
      return;
    }
    if (code === CloseCode.SESSION_REPLACED) {
      this.giveUp();
      this.events.state({ kind: 'replaced' });
      return;
    }
    const windowLeftMs = this.session.dropped();
    if (windowLeftMs === 0) {
      this.giveUp();
    } else if (!this.away) {
      // The first drop: the call goes on while we resume; past the window it is over.
      this.away = true;
      this.events.away();
      this.windowTimer = window.setTimeout(() => this.giveUp(), windowLeftMs);
      this.start(); // resume at once; back off only if that fails
      return;
    }
    const retryInMs = reconnectDelayMs(this.attempt);
    this.attempt += 1;
    this.events.state({ kind: 'waiting', retryAt: Date.now() + retryInMs });
    this.retryTimer = window.setTimeout(() => {
      this.retryTimer = undefined;
      this.start();
    }, retryInMs);
  }
}

function parse(data: unknown): ServerFrame | undefined {
  if (typeof data !== 'string') {
    return undefined;
  }
  try {
    const message: unknown = JSON.parse(data);
    return typeof message === 'object' && message !== null && 'type' in message
      ? (message as ServerFrame)
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
