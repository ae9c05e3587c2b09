// Issue 21: how soon a closed app starts ringing. A caller sends `call_start` to a callee whose
// page is closed but whose browser is subscribed to Web Push; measured, on a real server (the
// built app in production mode, SQLite, in-memory signaling) and a local push service
// (web-push-testing, in this process, which checks VAPID and decrypts every message): from
// sending `call_start` to the push service accepting the `call` message (its 201 sent), and to
// the caller reading `ringing`. BENCH_ROUNDS (50) callees, one call each after WARMUP calls; each
// call is then cancelled and its `call_ended` waited for, so that rounds do not overlap.
// Run: npm run bench:push  (results in bench/results/push-ring.json)
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { logIn, nextMessage, openSocket } from './lib/dialtone-client.mjs';
import { startDialtone } from './lib/dialtone-server.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
const WARMUP = 5;
const require = createRequire(import.meta.url);

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** web-push-testing on a free port, with the time each push was accepted, per subscription. */
async function startPushService() {
  const port = await freePort();
  const TestingServer = require('web-push-testing/src/server.js');
  const { PushApiModel } = require('web-push-testing/src/PushApiModel.js');
  const server = new TestingServer(new PushApiModel(), port);
  const accepted = new Map(); // clientHash -> [performance.now() of each 201]
  server._app.use((req, res, next) => {
    const match = /^\/notify\/(.+)$/.exec(req.path);
    if (match) {
      res.on('finish', () => {
        if (res.statusCode === 201) {
          accepted.set(match[1], [...(accepted.get(match[1]) ?? []), performance.now()]);
        }
      });
    }
    next();
  });
  const log = console.log;
  console.log = () => undefined;
  server.startServer();
  await new Promise((resolve) => server._server.once('listening', resolve));
  console.log = log;
  const origin = `http://localhost:${port}`;
  return {
    origin,
    accepted,
    async subscribe(applicationServerKey) {
      const response = await fetch(`${origin}/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ applicationServerKey }),
      });
      const { data } = await response.json();
      const { clientHash, ...subscription } = data;
      return { clientHash, subscription };
    },
    close: () => {
      server._server.closeAllConnections();
      server._server.close();
    },
  };
}

async function json(url, init = {}) {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
  if (!response.ok) {
    throw new Error(`${url}: ${response.status} ${await response.text()}`);
  }
  return response.status === 200 ? response.json() : undefined;
}

/** A fresh account with a socket open; its name is unique per run. */
let accounts = 0;
async function account(name) {
  accounts += 1;
  const username = `${name}${accounts}${Math.random().toString(36).slice(2, 6)}`;
  return { username, token: await logIn(server.base, username) };
}

async function until(check, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error('timed out waiting for the push service');
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const round1 = (ms) => Math.round(ms * 10) / 10;

const push = await startPushService();
const server = await startDialtone({
  PUSH_ALLOWED_ENDPOINTS: push.origin,
  CALL_STARTS_PER_CALLEE: '100000',
  CALL_STARTS_PER_CALLER: '1000000',
});
try {
  const { publicKey } = await json(`${server.base}/push/vapid-public-key`);
  const caller = await account('caller');
  const socket = await openSocket(server.ws, caller.token);
  const toPush = [];
  const toRinging = [];
  for (let round = 0; round < WARMUP + ROUNDS; round += 1) {
    const callee = await account('callee');
    const { clientHash, subscription } = await push.subscribe(publicKey);
    await json(`${server.base}/push/subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${callee.token}` },
      body: JSON.stringify(subscription),
    });
    const ringing = nextMessage(socket, 'ringing').then((message) => ({
      message,
      at: performance.now(),
    }));
    const sentAt = performance.now();
    socket.send(JSON.stringify({ type: 'call_start', toUser: callee.username }));
    const { message, at: ringingAt } = await ringing;
    await until(() => (push.accepted.get(clientHash) ?? []).length >= 1);
    const acceptedAt = push.accepted.get(clientHash)[0];
    if (round >= WARMUP) {
      toPush.push(acceptedAt - sentAt);
      toRinging.push(ringingAt - sentAt);
    }
    socket.send(
      JSON.stringify({ type: 'hangup', toUser: callee.username, callId: message.callId }),
    );
    await until(() => push.accepted.get(clientHash).length >= 2); // call_ended
  }
  socket.close();
  const results = {
    date: new Date().toISOString(),
    rounds: ROUNDS,
    cpus: cpus().length,
    loadAtEnd: loadavg()[0],
    callStartToPushAcceptedMs: { median: round1(median(toPush)), max: round1(Math.max(...toPush)) },
    callStartToRingingMs: {
      median: round1(median(toRinging)),
      max: round1(Math.max(...toRinging)),
    },
  };
  writeFileSync('bench/results/push-ring.json', JSON.stringify(results, null, 2) + '\n');
  console.log(JSON.stringify(results, null, 2));
} finally {
  await server.stop();
  push.close();
}
