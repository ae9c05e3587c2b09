import { createRequire } from 'node:module';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { freePort } from './redis-server.js';

/** `PushSubscription.toJSON()` as a browser hands it to the page. */
export interface PushSubscriptionJson {
  endpoint: string;
  expirationTime?: number | null;
  keys: { p256dh: string; auth: string };
}

/** One request a push service received: its path and headers. */
export interface PushRequest {
  path: string;
  headers: IncomingHttpHeaders;
  status?: number;
}

/**
 * The `web-push-testing` push service, in this process on a free loopback port: it checks VAPID,
 * decrypts what it receives (RFC 8291) and keeps it per subscription; an expired subscription
 * answers 410. Its endpoints are `http://localhost:<port>/notify/<clientHash>`, so the app under
 * test allows that exact origin through PUSH_ALLOWED_ENDPOINTS.
 */
export interface LocalPushService {
  readonly origin: string;
  /** Every push request, with its headers (web-push-testing keeps only the decrypted body). */
  readonly requests: PushRequest[];
  subscribe(
    applicationServerKey: string,
  ): Promise<{ subscription: PushSubscriptionJson; clientHash: string }>;
  /** The decrypted messages a subscription received, parsed. */
  messages(clientHash: string): Promise<unknown[]>;
  expire(clientHash: string): Promise<void>;
  close(): Promise<void>;
}

interface TestingServer {
  _app: { use(handler: (req: RequestLike, res: ResponseLike, next: () => void) => void): void };
  _server: Server;
  startServer(): void;
}
interface RequestLike {
  path: string;
  headers: IncomingHttpHeaders;
}
interface ResponseLike {
  statusCode: number;
  on(event: 'finish', listener: () => void): void;
}

const require = createRequire(import.meta.url);

export async function startPushService(): Promise<LocalPushService> {
  const port = await freePort();
  const TestingServerClass = require('web-push-testing/src/server.js') as new (
    model: unknown,
    port: number,
  ) => TestingServer;
  const { PushApiModel } = require('web-push-testing/src/PushApiModel.js') as {
    PushApiModel: new () => unknown;
  };
  const server = new TestingServerClass(new PushApiModel(), port);
  const requests: PushRequest[] = [];
  server._app.use((req, res, next) => {
    if (req.path.startsWith('/notify/')) {
      const entry: PushRequest = { path: req.path, headers: { ...req.headers } };
      requests.push(entry);
      res.on('finish', () => {
        entry.status = res.statusCode;
      });
    }
    next();
  });
  const log = console.log;
  console.log = () => undefined; // "Server running on port …"
  try {
    server.startServer();
    await new Promise<void>((resolve) => server._server.once('listening', resolve));
  } finally {
    console.log = log;
  }
  const origin = `http://localhost:${port}`;
  const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${path}: ${response.status} ${text}`);
    }
    return text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  return {
    origin,
    requests,
    async subscribe(applicationServerKey) {
      const { data } = (await post('/subscribe', { applicationServerKey })) as {
        data: PushSubscriptionJson & { clientHash: string };
      };
      const { clientHash, ...subscription } = data;
      return { subscription, clientHash };
    },
    async messages(clientHash) {
      const { data } = (await post('/get-notifications', { clientHash })) as {
        data: { messages: string[] };
      };
      return data.messages.map((text) => JSON.parse(text) as unknown);
    },
    async expire(clientHash) {
      await post(`/expire-subscription/${clientHash}`, {});
    },
    close: () =>
      new Promise<void>((resolve) => {
        server._server.closeAllConnections();
        server._server.close(() => resolve());
      }),
  };
}
