// Issue 13: a call the callee does not allow must be answered like a call to an offline account,
// in content (the e2e suites check that) and in time (measured here). A stranger rings, in random
// order and BENCH_GAP_MS (20) apart, BENCH_ROUNDS (400) times each: an account that is offline, an online account that
// blocked the stranger, and an online account that takes calls from contacts only. Measured: from
// sending `call_start` to reading the `call_back` `offline`, on a real server (SQLite, or
// DATABASE_URL). Reported per case: median, p10, p90, p99, and the AUC of each refused case
// against the real offline one — the chance that a random refused answer is slower than a random
// offline one: 0.5 is a coin flip, i.e. the timing tells a stranger nothing.
// Run: npm run bench:privacy  (results in bench/results/privacy-timing-sqlite.json; with
// DATABASE_URL=postgres://… in privacy-timing-postgres.json)
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import WebSocket from 'ws';
import { startDialtone } from './lib/dialtone-server.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 400);
const WARMUP = 50;
/**
 * Pause between two calls, so that each attempt's history writes (off the signaling path, but on
 * the same database) are done before the next call: a caller gets 20 calls per 5 minutes anyway.
 */
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 20);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Thousands of calls from one caller, back to back: those limits are not what is measured. */
const startServer = () =>
  startDialtone({
    CALL_STARTS_PER_CALLEE: '100000',
    CALL_STARTS_PER_CALLER: '1000000',
    WS_MESSAGE_RATE: '100000',
    WS_MESSAGE_BURST: '100000',
  });

async function request(base, method, path, { token, json } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(json ? { 'content-type': 'application/json' } : {}),
    },
    body: json ? JSON.stringify(json) : undefined,
  });
  if (!response.ok) {
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
  return response.status === 204 ? undefined : response.json();
}

async function account(base, name) {
  const username = `${name}${Math.random().toString(36).slice(2, 7)}`;
  const password = 'bench password 1';
  await request(base, 'POST', '/auth/register', { json: { username, password } });
  const { accessToken } = await request(base, 'POST', '/auth/login', {
    json: { username, password },
  });
  return { username, token: accessToken };
}

function connect(base, token) {
  const socket = new WebSocket(`${base.replace('http', 'ws')}/signaling`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const inbox = [];
  let waiting;
  socket.on('message', (data) => {
    inbox.push(JSON.parse(data.toString()));
    waiting?.();
  });
  const next = async () => {
    while (inbox.length === 0) {
      await new Promise((resolve) => (waiting = resolve));
    }
    return inbox.shift();
  };
  return new Promise((resolve, reject) => {
    socket.once('open', async () => {
      await next(); // welcome
      resolve({ socket, next });
    });
    socket.once('error', reject);
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** P(a random sample of `a` > a random sample of `b`), ties counting half (Mann-Whitney). */
function auc(a, b) {
  let wins = 0;
  for (const x of a) {
    for (const y of b) {
      wins += x > y ? 1 : x === y ? 0.5 : 0;
    }
  }
  return wins / (a.length * b.length);
}

const server = await startServer();
try {
  const base = server.base;
  const stranger = await account(base, 'stranger');
  const offline = await account(base, 'offline');
  const blocker = await account(base, 'blocker');
  const contactsOnly = await account(base, 'private');
  await request(base, 'POST', '/blocks', {
    token: blocker.token,
    json: { username: stranger.username },
  });
  await request(base, 'PATCH', '/privacy', {
    token: contactsOnly.token,
    json: { whoCanRing: 'contacts' },
  });
  const online = [await connect(base, blocker.token), await connect(base, contactsOnly.token)];
  const caller = await connect(base, stranger.token);
  const targets = {
    'offline account': offline.username,
    'online, blocked the caller': blocker.username,
    'online, contacts only': contactsOnly.username,
  };
  const samples = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  const plan = Object.keys(targets).flatMap((name) => Array(ROUNDS + WARMUP).fill(name));
  plan.sort(() => Math.random() - 0.5);
  const seen = Object.fromEntries(Object.keys(targets).map((name) => [name, 0]));
  for (const name of plan) {
    await sleep(GAP_MS);
    const started = process.hrtime.bigint();
    caller.socket.send(JSON.stringify({ type: 'call_start', toUser: targets[name] }));
    const reply = await caller.next();
    const micros = Number(process.hrtime.bigint() - started) / 1000;
    if (reply.type !== 'call_back' || reply.code !== 'offline') {
      throw new Error(`${name}: ${JSON.stringify(reply)}`);
    }
    seen[name] += 1;
    if (seen[name] > WARMUP) {
      samples[name].push(micros);
    }
  }
  const report = {};
  for (const [name, values] of Object.entries(samples)) {
    const sorted = [...values].sort((a, b) => a - b);
    report[name] = {
      medianUs: Math.round(percentile(sorted, 50)),
      p10Us: Math.round(percentile(sorted, 10)),
      p90Us: Math.round(percentile(sorted, 90)),
      p99Us: Math.round(percentile(sorted, 99)),
      ...(name === 'offline account'
        ? {}
        : { aucAgainstOffline: Number(auc(values, samples['offline account']).toFixed(3)) }),
    };
  }
  const result = {
    what: 'call_start -> call_back offline, as seen by a stranger (µs)',
    rounds: ROUNDS,
    gapMs: GAP_MS,
    database: process.env.DATABASE_URL ? 'postgres' : 'sqlite',
    node: process.version,
    cpus: cpus().length,
    date: new Date().toISOString(),
    cases: report,
  };
  console.log(JSON.stringify(result, null, 2));
  const file = `bench/results/privacy-timing-${result.database}.json`;
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  for (const client of [...online, caller]) {
    client.socket.close();
  }
} finally {
  server.child.kill('SIGTERM');
}
