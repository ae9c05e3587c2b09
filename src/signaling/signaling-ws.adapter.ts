import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { MAX_FRAME_BYTES, SUBPROTOCOL_V2 } from './protocol.js';
import { UpgradeAdmission } from './upgrade-admission.js';
import { UpgradeAuthenticator } from './upgrade-authenticator.js';

type VerifyDone = (
  ok: boolean,
  status?: number,
  reason?: string,
  headers?: Record<string, string>,
) => void;

/**
 * @nestjs/platform-ws with two changes. The upgrade is admitted and authenticated in
 * `verifyClient` (UpgradeAdmission, then UpgradeAuthenticator), so a refusal is an HTTP status
 * (503 at the socket cap, 429 over a budget, 401/403 for the token) and no socket. And frames are not dispatched through Nest's
 * `{event, data}` pipeline: that pipeline silently drops frames it cannot parse, and its rxjs
 * plumbing costs more per message than the relay itself — SignalingGateway reads its sockets
 * directly instead.
 */
export class SignalingWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly authenticator: UpgradeAuthenticator,
    private readonly admission: UpgradeAdmission,
  ) {
    super(app);
  }

  override create(
    port: number,
    options: Record<string, unknown> = {},
  ): ReturnType<WsAdapter['create']> {
    return super.create(port, {
      ...options,
      maxPayload: MAX_FRAME_BYTES,
      // Protocol 2 when the client asks for it; otherwise what ws did before (the first one
      // offered, usually none), so that protocol 1 clients see no change.
      handleProtocols: (offered: Set<string>) =>
        offered.has(SUBPROTOCOL_V2) ? SUBPROTOCOL_V2 : (offered.values().next().value ?? false),
      verifyClient: (info: { req: IncomingMessage }, done: VerifyDone) => {
        this.verify(info.req).then(
          (refusal) => {
            if (refusal) {
              const { status, reason, retryAfterSeconds } = refusal;
              const retry: Record<string, string> = retryAfterSeconds
                ? { 'Retry-After': String(retryAfterSeconds) }
                : {};
              done(false, status, reason, retry);
            } else {
              done(true);
            }
          },
          (error: unknown) => {
            this.logger.error(error);
            done(false, 500, 'Internal error');
          },
        );
      },
    });
  }

  /** Undefined when the upgrade may go ahead (it is then counted by UpgradeAdmission). */
  private async verify(
    request: IncomingMessage,
  ): Promise<{ status: number; reason: string; retryAfterSeconds?: number } | undefined> {
    const refusal = await this.admission.admitConnection(request);
    if (refusal) {
      return refusal;
    }
    const verdict = await this.authenticator.verify(request);
    if (!verdict.ok) {
      return verdict;
    }
    return this.admission.admitUser(request, verdict.user);
  }

  /**
   * A client that breaks the protocol (oversized or malformed frames) makes ws emit an error on
   * its socket before closing it; that is the client's fault, so it is not logged as ours.
   */
  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
      socket.on('error', (error) => this.logger.debug(`client socket: ${error.message}`));
      this.admission.opened(socket, request);
    });
    server.on('error', (error) => this.logger.error(error));
    return server;
  }

  override bindMessageHandlers(): void {
    // Frames are read by SignalingGateway; see the class comment.
  }
}
