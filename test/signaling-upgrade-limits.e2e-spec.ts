// Issue 19, point 3: what sockets cost before they are sessions — the process's socket cap (below
// the file limit), upgrades per client address, pending protocol 2 sockets per account, and the
// first-frame wait. Real `ws` clients against a real listening server.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { SUBPROTOCOL_V2 } from '../src/signaling/protocol.js';
import { call } from './support/http.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { createUser, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

type Upgrade =
  | { open: WebSocket }
  | { status: number; body: string; retryAfter: string | undefined; open?: undefined };

/** One upgrade attempt: the open socket, or the refusal's status, body and Retry-After. */
function upgrade(
  baseUrl: string,
  options: { token?: string; v2?: boolean; from?: string } = {},
): Promise<Upgrade> {
  const headers: Record<string, string> = {};
  if (options.token) {
    headers.authorization = `Bearer ${options.token}`;
  }
  if (options.from) {
    headers['x-forwarded-for'] = options.from;
  }
  const url = `${baseUrl.replace(/^http/, 'ws')}/signaling`;
  const socket = new WebSocket(url, options.v2 ? [SUBPROTOCOL_V2] : [], { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ open: socket }));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        const retry = response.headers['retry-after'];
        resolve({ status: response.statusCode ?? 0, body, retryAfter: retry });
        socket.terminate();
      });
    });
    socket.once('error', reject);
  });
}

function opened(outcome: Upgrade): WebSocket {
  if (!outcome.open) {
    throw new Error(`upgrade refused: ${outcome.status} ${outcome.body}`);
  }
  return outcome.open;
}

const closeCode = (socket: WebSocket) =>
  new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));

describe('limits on sockets before they are sessions', () => {
  let app: TestApp | undefined;
  let server: ServerProcess | undefined;
  const sockets: WebSocket[] = [];
  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.terminate());
    await app?.close();
    await server?.stop();
    app = undefined;
    server = undefined;
  });
  const keep = (outcome: Upgrade): WebSocket => {
    const socket = opened(outcome);
    sockets.push(socket);
    return socket;
  };

  it('holds pending protocol 2 sockets per account to WS_MAX_PENDING_PER_USER (429); a first frame frees a place', async () => {
    app = await startTestApp({ WS_MAX_PENDING_PER_USER: '3' });
    const { baseUrl } = app;
    const alice = await createUser(baseUrl, 'alice');
    const bob = await createUser(baseUrl, 'bob');
    const pending: WebSocket[] = [];
    for (let n = 0; n < 3; n += 1) {
      pending.push(keep(await upgrade(baseUrl, { token: alice.token, v2: true })));
    }
    const refused = await upgrade(baseUrl, { token: alice.token, v2: true });
    expect(
      refused.open ? 'open' : [refused.status, refused.body, refused.retryAfter],
    ).toStrictEqual([
      429,
      'Too many connections of this account are waiting for their first message',
      '5',
    ]);
    // Others are not held by alice's; nor is a protocol 1 socket, a session at once.
    keep(await upgrade(baseUrl, { token: bob.token, v2: true }));
    keep(await upgrade(baseUrl, { token: alice.token }));
    // One of alice's speaks: it is a session now, and another may wait.
    pending[0].send(JSON.stringify({ type: 'ping' }));
    await new Promise((resolve) => pending[0].once('message', resolve));
    keep(await upgrade(baseUrl, { token: alice.token, v2: true }));
  });

  it('cuts a protocol 2 socket that sends nothing within WS_FIRST_FRAME_TIMEOUT_MS', async () => {
    app = await startTestApp({ WS_FIRST_FRAME_TIMEOUT_MS: '300' });
    const alice = await createUser(app.baseUrl, 'alice');
    const silent = keep(await upgrade(app.baseUrl, { token: alice.token, v2: true }));
    const started = Date.now();
    const code = await Promise.race([closeCode(silent), sleep(3000).then(() => 'still open')]);
    expect(code).toBe(1006);
    expect(Date.now() - started).toBeLessThan(2000);
    // One that speaks at once is served as before, and not cut later.
    const speaking = keep(await upgrade(app.baseUrl, { token: alice.token, v2: true }));
    speaking.send(JSON.stringify({ type: 'ping' }));
    await sleep(600);
    expect(speaking.readyState).toBe(WebSocket.OPEN);
  });

  it('limits upgrades per client address (WS_UPGRADES_PER_ADDRESS), an IPv6 client by its /64, refused ones included', async () => {
    app = await startTestApp({ WS_UPGRADES_PER_ADDRESS: '4', TRUST_PROXY: 'loopback' });
    const { baseUrl } = app;
    const alice = await createUser(baseUrl, 'alice');
    const statuses = [];
    for (let n = 1; n <= 5; n += 1) {
      const outcome = await upgrade(baseUrl, {
        token: n === 2 ? 'forged' : alice.token,
        from: `2001:db8:3:3::${n}`,
      });
      statuses.push(outcome.open ? 101 : outcome.status);
      if (outcome.open) {
        sockets.push(outcome.open);
      } else if (outcome.status === 429) {
        expect(outcome.body).toMatch(
          /^Too many connections from your address; try again in \d+ seconds$/,
        );
        expect(Number(outcome.retryAfter)).toBeGreaterThanOrEqual(1);
      }
    }
    expect(statuses).toStrictEqual([101, 401, 101, 101, 429]);
    keep(await upgrade(baseUrl, { token: alice.token, from: '2001:db8:3:4::1' }));
  });

  it('refuses upgrades beyond WS_MAX_SOCKETS with 503 while HTTP and /health carry on', async () => {
    app = await startTestApp({ WS_MAX_SOCKETS: '6', MAX_SESSIONS_PER_USER: '10' });
    const { baseUrl } = app;
    const alice = await createUser(baseUrl, 'alice');
    const held: WebSocket[] = [];
    for (let n = 0; n < 6; n += 1) {
      held.push(keep(await upgrade(baseUrl, { token: alice.token, v2: n % 2 === 0 })));
    }
    const full = await upgrade(baseUrl, { token: alice.token });
    expect(full.open ? 'open' : [full.status, full.body, full.retryAfter]).toStrictEqual([
      503,
      'The server is at its connection limit; try again later',
      '10',
    ]);
    expect((await call(baseUrl, 'GET', '/health')).status).toBe(200);
    const login = await call(baseUrl, 'POST', '/auth/login', {
      json: { username: alice.username, password: alice.password },
    });
    expect(login.status).toBe(200);
    // A socket that closes gives its place back.
    held[1].close();
    await closeCode(held[1]);
    keep(await upgrade(baseUrl, { token: alice.token }));
  });

  it('under ulimit -n 300, a flood of sockets is refused before the descriptors run out: /health and logins still answer', async () => {
    server = await startServerProcess(
      {
        MAX_SESSIONS_PER_USER: '100',
        WS_UPGRADES_PER_ADDRESS: '1000000',
        WS_MAX_PENDING_PER_USER: '1000',
        WS_FIRST_FRAME_TIMEOUT_MS: '600000', // none is cut while the flood goes on
        AUTH_RATE_PER_ADDRESS: '1000',
      },
      { fileLimit: 300 },
    );
    const { baseUrl } = server;
    // 4 accounts of 100 sessions each: no session cap closes any of the 320 attempts.
    const users: TestUser[] = [];
    for (let n = 0; n < 4; n += 1) {
      users.push(await createUser(baseUrl, 'flood'));
    }
    const outcomes: Upgrade[] = [];
    for (let wave = 0; wave < 16; wave += 1) {
      outcomes.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, (_, n) =>
            upgrade(baseUrl, { token: users[n % 4].token, v2: n % 4 === 0 }).catch(
              (error: Error) => ({ status: -1, body: error.message, retryAfter: undefined }),
            ),
          ),
        )),
      );
    }
    const open = outcomes.filter((outcome) => outcome.open !== undefined);
    open.forEach((outcome) => sockets.push(outcome.open));
    const refusals = new Set(outcomes.filter((o) => !o.open).map((o) => `${o.status} ${o.body}`));
    // The default cap for 300 descriptors keeps a quarter (75) for everything else: 225 sockets.
    expect(open.length).toBe(225);
    expect([...refusals]).toStrictEqual([
      '503 The server is at its connection limit; try again later',
    ]);
    expect((await call(baseUrl, 'GET', '/health')).status).toBe(200);
    const login = await call(baseUrl, 'POST', '/auth/login', {
      json: { username: users[0].username, password: users[0].password },
    });
    expect(login.status).toBe(200);
  });
});
