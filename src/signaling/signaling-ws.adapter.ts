import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import { MAX_FRAME_BYTES, SUBPROTOCOL_V2 } from './protocol.js';
import { UpgradeAuthenticator } from './upgrade-authenticator.js';

type VerifyDone = (ok: boolean, status?: number, reason?: string) => void;

/**
 * @nestjs/platform-ws with two changes. The upgrade is authenticated in `verifyClient`, so a bad
 * token gets an HTTP 401/403 and no socket. And frames are not dispatched through Nest's
 * `{event, data}` pipeline: that pipeline silently drops frames it cannot parse, and its rxjs
 * plumbing costs more per message than the relay itself — SignalingGateway reads its sockets
 * directly instead.
 */
export class SignalingWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly authenticator: UpgradeAuthenticator,
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
        const verdict = this.authenticator.verify(info.req);
        if (verdict.ok) {
          done(true);
        } else {
          done(false, verdict.status, verdict.reason);
        }
      },
    });
  }

  /**
   * A client that breaks the protocol (oversized or malformed frames) makes ws emit an error on
   * its socket before closing it; that is the client's fault, so it is not logged as ours.
   */
  override bindErrorHandler(server: WebSocketServer): WebSocketServer {
    server.on('connection', (socket: WebSocket) =>
      socket.on('error', (error) => this.logger.debug(`client socket: ${error.message}`)),
    );
    server.on('error', (error) => this.logger.error(error));
    return server;
  }

  override bindMessageHandlers(): void {
    // Frames are read by SignalingGateway; see the class comment.
  }
}
