import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One push request the stand-in received from the app. */
export interface ReceivedPush {
  channelID: string;
  headers: IncomingHttpHeaders;
  status: number;
}

/**
 * A stand-in for Mozilla's push service (autopush), enough for Firefox (`dom.push.serverURL`):
 * its WebSocket side answers `hello`, `register`, `unregister` and pings; its HTTP side takes
 * RFC 8030 pushes (`POST /push/<channelID>`, VAPID required) and relays them to the browser,
 * which decrypts them and fires its service worker's `push` event. An unknown channel answers
 * 410. After /work/shared/push/mock-autopush.mjs, with `hello()` as the readiness gate: Firefox
 * connects some seconds after launch, and a subscribe() before that fails intermittently.
 */
export interface MockAutopush {
  readonly origin: string;
  readonly pushes: ReceivedPush[];
  /** Resolves once a browser has said `hello`. */
  hello(): Promise<void>;
  close(): Promise<void>;
}

export async function startMockAutopush(): Promise<MockAutopush> {
  const channels = new Map<string, WebSocket>();
  const pushes: ReceivedPush[] = [];
  let greeted!: () => void;
  const hello = new Promise<void>((resolve) => (greeted = resolve));
  let origin = '';
  const server = createServer((request, response) => {
    const match = /^\/push\/([\w-]+)$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match) {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const channelID = match[1];
      const socket = channels.get(channelID);
      const answer = (status: number) => {
        pushes.push({ channelID, headers: request.headers, status });
        response.writeHead(status).end();
      };
      if (!socket) {
        return answer(410);
      }
      if (!/^vapid t=.+, k=.+/.test(request.headers.authorization ?? '')) {
        return answer(401);
      }
      socket.send(
        JSON.stringify({
          messageType: 'notification',
          channelID,
          version: randomUUID(),
          data: Buffer.concat(chunks).toString('base64url'),
          headers: { encoding: request.headers['content-encoding'] },
        }),
      );
      answer(201);
    });
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket) => {
    socket.on('message', (raw: Buffer) => {
      const text = raw.toString();
      const message = (text ? JSON.parse(text) : {}) as {
        messageType?: string;
        uaid?: string;
        channelID?: string;
      };
      if (message.messageType === 'hello') {
        const uaid = message.uaid || randomUUID().replace(/-/g, '');
        socket.send(
          JSON.stringify({
            messageType: 'hello',
            uaid,
            status: 200,
            use_webpush: true,
            broadcasts: {},
          }),
        );
        greeted();
      } else if (message.messageType === 'register' && message.channelID) {
        channels.set(message.channelID, socket);
        socket.send(
          JSON.stringify({
            messageType: 'register',
            channelID: message.channelID,
            status: 200,
            pushEndpoint: `${origin}/push/${message.channelID}`,
          }),
        );
      } else if (message.messageType === 'unregister' && message.channelID) {
        channels.delete(message.channelID);
        socket.send(
          JSON.stringify({ messageType: 'unregister', channelID: message.channelID, status: 200 }),
        );
      } else if (message.messageType === undefined) {
        socket.send('{}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pushes,
    hello: () => hello,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) {
          client.terminate();
        }
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
