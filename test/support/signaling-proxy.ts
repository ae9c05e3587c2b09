// A man in the middle in front of the app (issue 23's tests): relays every HTTP request as it is,
// and every /signaling WebSocket frame-by-frame, letting the test read, change or drop what the
// pages send, as a tampering relay, TLS terminator or server operator could.
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { SIGNALING_PATH } from '../../src/signaling/protocol.js';

export type ClientFrame = Record<string, unknown>;

/** Which page a frame came from: the same object for every frame of one WebSocket. */
export interface ProxiedSocket {
  readonly id: number;
}

/**
 * What to forward instead of a frame a page sent (it is awaited; frames of one socket stay in
 * order); undefined drops it.
 */
export type Tamper = (frame: ClientFrame, from: ProxiedSocket) => Promise<ClientFrame | undefined>;

export interface SignalingProxy {
  /** http://127.0.0.1:<port>: the pages load and connect here instead of the app. */
  baseUrl: string;
  close(): Promise<void>;
}

/** A text frame as a string (ws hands every frame over as bytes). */
function text(data: RawData): string {
  if (Array.isArray(data)) {
    return Buffer.concat(data).toString('utf8');
  }
  return (Buffer.isBuffer(data) ? data : Buffer.from(new Uint8Array(data))).toString('utf8');
}

/** Close codes a peer may send in a close frame (1005 and 1006 only ever describe one). */
function sendable(code: number): number {
  return code === 1005 || code === 1006 ? 1000 : code;
}

export async function startSignalingProxy(
  appBaseUrl: string,
  tamper: Tamper,
): Promise<SignalingProxy> {
  const app = new URL(appBaseUrl);
  const sockets = new Set<WebSocket>();
  let nextId = 0;

  // Host and Origin stay the proxy's, so that the app sees one consistent origin.
  const server = createServer((incoming, outgoing) => {
    const upstream = httpRequest(
      {
        host: app.hostname,
        port: app.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => [...offered][0],
  });

  server.on('upgrade', (incoming: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(incoming.url ?? '/', 'http://proxy').pathname !== SIGNALING_PATH) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(incoming, socket, head, (page) => {
      const from: ProxiedSocket = { id: (nextId += 1) };
      const protocols = String(incoming.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((protocol) => protocol.trim())
        .filter(Boolean);
      const upstream = new WebSocket(`ws://${app.host}${SIGNALING_PATH}`, protocols, {
        headers: {
          host: incoming.headers.host ?? '',
          origin: incoming.headers.origin ?? '',
          cookie: incoming.headers.cookie ?? '',
        },
      });
      sockets.add(page).add(upstream);
      const opened = new Promise<void>((resolve) => upstream.once('open', () => resolve()));
      // Frames of one page go through the tamper one at a time, in order.
      let relaying: Promise<void> = opened;
      page.on('message', (data) => {
        relaying = relaying.then(async () => {
          const frame = await tamper(JSON.parse(text(data)) as ClientFrame, from);
          if (frame && upstream.readyState === WebSocket.OPEN) {
            upstream.send(JSON.stringify(frame));
          }
        });
        relaying = relaying.catch((error: unknown) => {
          console.error('the signaling proxy could not relay a frame', error);
        });
      });
      upstream.on('message', (data) => page.send(text(data)));
      page.on('close', (code) => upstream.close(sendable(code)));
      upstream.on('close', (code) => page.close(sendable(code)));
      page.on('error', () => upstream.terminate());
      upstream.on('error', () => page.terminate());
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) {
        socket.terminate();
      }
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
