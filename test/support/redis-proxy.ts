import { type Socket, connect, createServer } from 'node:net';

/**
 * A TCP relay in front of Redis for one instance, which can cut that instance's pub/sub
 * connection alone (the one that sent SUBSCRIBE) and keep it cut — reconnects included — while
 * its command connection carries on: the partial failure in which pub/sub events are lost.
 */
export interface RedisProxy {
  /** redis://127.0.0.1:<port>: the instance's REDIS_URL. */
  readonly url: string;
  /** Destroys every subscriber connection, and each new one as soon as it subscribes. */
  cutSubscribers(): void;
  /** Lets subscriber connections through again (the client reconnects by itself). */
  restore(): void;
  /** How many subscriber connections have been cut so far. */
  readonly cuts: number;
  close(): Promise<void>;
}

const SUBSCRIBE = /subscribe/i;

export async function redisProxy(target: URL): Promise<RedisProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket; subscriber: boolean }>();
  let cutting = false;
  let cuts = 0;
  const cut = (pair: { client: Socket; upstream: Socket }) => {
    cuts += 1;
    pair.client.destroy();
    pair.upstream.destroy();
  };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    const pair = { client, upstream, subscriber: false };
    pairs.add(pair);
    client.on('data', (chunk: Buffer) => {
      // Commands travel as RESP arrays of bulk strings: the command's name is plain ASCII.
      if (!pair.subscriber && SUBSCRIBE.test(chunk.toString('latin1'))) {
        pair.subscriber = true;
      }
      if (pair.subscriber && cutting) {
        return cut(pair);
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (pair.subscriber && cutting) {
        return cut(pair);
      }
      client.write(chunk);
    });
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `redis://127.0.0.1:${port}`,
    cutSubscribers: () => {
      cutting = true;
      for (const pair of pairs) {
        if (pair.subscriber) {
          cut(pair);
        }
      }
    },
    restore: () => {
      cutting = false;
    },
    get cuts() {
      return cuts;
    },
    close: async () => {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
