// Dialtone on Redis (issue 11): what the Redis hop costs and how fast a crash is survived.
// Run: npm run bench:scale-out (needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379,
// or TEST_DATABASE_URL / TEST_REDIS_URL).
//
// 1. Relay: BENCH_PAIRS (50) calls trade `_ice` messages (~200 bytes) at BENCH_RATE (20) a
//    second per session, open loop, for BENCH_SECONDS (10), in three set-ups: one instance
//    without Redis (memory), two parties on one instance with Redis, and the two parties on two
//    instances. Latency is send → receive in this process (one clock); CPU is the servers' and
//    Redis's, from /proc, per relayed message.
// 2. Call set-ups across instances: BENCH_SETUP_PAIRS (20) pairs ring and accept BENCH_SETUPS
//    (10) calls each, back to back; set-ups completed per second.
// 3. Recovery after kill -9: the instance holding one party is killed mid-call; the time until the
//    peer hears `peer_status reconnecting`, and until the client (reconnecting at once on close)
//    has `resumed` on another instance. BENCH_KILLS (3) times.
// Results go to bench/results/scale-out.json.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import {
  logIn,
  nextMessage as next,
  openSocket as open,
  ringAndAccept as call,
} from './lib/dialtone-client.mjs';
import { startDialtone } from './lib/dialtone-server.mjs';
import { temporaryDatabase } from './lib/postgres.mjs';
import { cpuSeconds } from './lib/processes.mjs';
import { REDIS_URL, redisPid } from './lib/redis.mjs';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SETUP_PAIRS = Number(process.env.BENCH_SETUP_PAIRS ?? 20);
const SETUPS = Number(process.env.BENCH_SETUPS ?? 10);
const KILLS = Number(process.env.BENCH_KILLS ?? 3);
const PADDING = 'x'.repeat(120);

/** An instance with the bench defaults; call limits raised, since a bench rings back to back. */
async function startInstance(env) {
  const { child, port, base } = await startDialtone({
    CALL_STARTS_PER_CALLEE: '100000',
    CALL_STARTS_PER_CALLER: '100000',
    CALL_COOLDOWN: '1',
    ...env,
  });
  return { child, base, ws: `ws://127.0.0.1:${port}/signaling` };
}

/** A protocol 1 session: the welcome is awaited from before the socket opens (it comes at once). */
async function connect(instance, user) {
  const socket = new WebSocket(instance.ws, { headers: { authorization: `Bearer ${user.token}` } });
  const welcome = next(socket, 'welcome');
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  await welcome;
  return { ...user, socket };
}

let counter = 0;
async function account(instance) {
  counter += 1;
  const name = `bench${counter}${randomBytes(3).toString('hex')}`;
  return { name, token: await logIn(instance.base, name) };
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/** Open loop: every session sends RATE/10 messages each 100 ms whatever has arrived. */
async function relay(pairs, servers, redis) {
  const pids = redis ? [...servers, redis] : servers;
  const latencies = [];
  for (const [a, b] of pairs) {
    for (const party of [a, b]) {
      party.socket.on('message', (data) => {
        const message = JSON.parse(data.toString());
        if (message.type === '_ice') {
          latencies.push(performance.now() - Number(message.iceCandidate.sdpMid));
        }
      });
    }
  }
  // Nothing may close meanwhile (an instance that fenced itself would close its sockets).
  let closed = 0;
  pairs.flat().forEach((party) => party.socket.once('close', () => (closed += 1)));
  const before = pids.map(cpuSeconds);
  let sent = 0;
  const loop = setInterval(() => {
    for (const [a, b] of pairs) {
      for (const [from, to] of [
        [a, b],
        [b, a],
      ]) {
        for (let i = 0; i < RATE / 10; i += 1) {
          const iceCandidate = {
            candidate: `candidate:1 1 udp 1 198.51.100.7 9 typ host ${PADDING}`,
            sdpMid: String(performance.now()),
          };
          from.socket.send(JSON.stringify({ type: '_ice', toUser: to.name, iceCandidate }));
          sent += 1;
        }
      }
    }
  }, 100);
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  clearInterval(loop);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const cpu = pids.map((pid, i) => cpuSeconds(pid) - before[i]);
  const sorted = [...latencies].sort((x, y) => x - y);
  return {
    sent,
    received: latencies.length,
    socketsClosed: closed,
    latencyMs: {
      p50: +percentile(sorted, 0.5).toFixed(3),
      p99: +percentile(sorted, 0.99).toFixed(3),
    },
    cpuMicrosecondsPerMessage: {
      servers: +(
        (cpu.slice(0, servers.length).reduce((x, y) => x + y, 0) * 1e6) /
        latencies.length
      ).toFixed(1),
      redis: redis ? +((cpu.at(-1) * 1e6) / latencies.length).toFixed(1) : 0,
    },
  };
}

async function relayScenario(name, first, second, servers, redis) {
  const pairs = [];
  for (let i = 0; i < PAIRS; i += 1) {
    const a = await connect(first, await account(first));
    const b = await connect(second, await account(second));
    await call(a, b);
    pairs.push([a, b]);
  }
  const result = await relay(pairs, servers, redis);
  pairs.flat().forEach((p) => p.socket.terminate());
  console.log(name, JSON.stringify(result));
  return result;
}

async function setups(first, second) {
  const pairs = [];
  for (let i = 0; i < SETUP_PAIRS; i += 1) {
    pairs.push([
      await connect(first, await account(first)),
      await connect(second, await account(second)),
    ]);
  }
  const started = performance.now();
  await Promise.all(
    pairs.map(async ([a, b]) => {
      for (let n = 0; n < SETUPS; n += 1) {
        await call(a, b);
        const ended = next(b.socket, 'hangup');
        a.socket.send(JSON.stringify({ type: 'hangup', toUser: b.name }));
        await ended;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  pairs.flat().forEach((p) => p.socket.terminate());
  return {
    calls: SETUP_PAIRS * SETUPS,
    seconds: +seconds.toFixed(2),
    perSecond: +((SETUP_PAIRS * SETUPS) / seconds).toFixed(1),
  };
}

/** Opens a v2 session; resolves with what a resume needs. */
async function openV2(instance, user) {
  const socket = await open(instance.ws, user.token, ['dialtone.v2']);
  let lastSeq = 0;
  socket.on('message', (data) => {
    const seq = JSON.parse(data.toString()).seq;
    if (seq) {
      lastSeq = seq;
    }
  });
  const welcome = next(socket, 'welcome');
  socket.send(JSON.stringify({ type: 'ping' }));
  const { sessionId, resumeToken } = await welcome;
  return { ...user, socket, sessionId, resumeToken, lastSeq: () => lastSeq };
}

/** bob resumes on `instance` with what his client kept; resolves with the new socket. */
async function resume(instance, bob) {
  const socket = await open(instance.ws, bob.token, ['dialtone.v2']);
  const reply = next(socket, 'resumed');
  const { sessionId, resumeToken } = bob;
  socket.send(JSON.stringify({ type: 'resume', sessionId, resumeToken, lastSeq: bob.lastSeq() }));
  await reply;
  return socket;
}

/**
 * Kills the instance holding bob mid-call. `clientReturns`: bob's client resumes on the survivor
 * as soon as its socket closes (the call page does), timed to `resumed`. Otherwise nothing comes
 * back, and what is timed is how long until the others notice (alice hears `reconnecting`).
 */
async function recovery(survivor, env, clientReturns) {
  const victim = await startInstance(env);
  const alice = await openV2(survivor, await account(survivor));
  const bob = await openV2(victim, await account(victim));
  await call(alice, bob);
  const killedAt = performance.now();
  const measured = clientReturns
    ? new Promise((resolve) =>
        bob.socket.once('close', async () => {
          const socket = await resume(survivor, bob);
          resolve(performance.now() - killedAt);
          socket.terminate();
        }),
      )
    : next(alice.socket, 'peer_status').then(() => performance.now() - killedAt);
  victim.child.kill('SIGKILL');
  const ms = Math.round(await measured);
  alice.socket.terminate();
  bob.socket.terminate();
  return ms;
}

const database = await temporaryDatabase();
const env = {
  DATABASE_URL: database.url,
  REDIS_URL,
  REDIS_KEY_PREFIX: `bench-${randomBytes(3).toString('hex')}:`,
};
const redis = await redisPid();
const memory = await startInstance({});
const a = await startInstance(env);
const b = await startInstance(env);
try {
  const relayResults = {
    memoryOneInstance: await relayScenario('memory', memory, memory, [memory.child.pid]),
    redisSameInstance: await relayScenario('redis, same instance', a, a, [a.child.pid], redis),
    redisAcrossInstances: await relayScenario(
      'redis, across',
      a,
      b,
      [a.child.pid, b.child.pid],
      redis,
    ),
  };
  memory.child.kill();
  const setupResults = await setups(a, b);
  console.log('set-ups', JSON.stringify(setupResults));
  const kills = { peerHearsReconnectingMs: [], clientResumedElsewhereMs: [] };
  for (let i = 0; i < KILLS; i += 1) {
    kills.peerHearsReconnectingMs.push(await recovery(a, env, false));
    kills.clientResumedElsewhereMs.push(await recovery(a, env, true));
    console.log('recovery', JSON.stringify(kills));
  }
  const result = {
    date: new Date().toISOString(),
    machine: 'node-svc, 2 cores, Node ' + process.version,
    load: { pairs: PAIRS, messagesPerSecondPerSession: RATE, seconds: SECONDS, messageBytes: 200 },
    relay: relayResults,
    redisHopAddsP50Ms: +(
      relayResults.redisAcrossInstances.latencyMs.p50 - relayResults.memoryOneInstance.latencyMs.p50
    ).toFixed(3),
    callSetupsAcrossInstances: setupResults,
    recoveryAfterKill9: kills,
  };
  writeFileSync('bench/results/scale-out.json', JSON.stringify(result, null, 2) + '\n');
} finally {
  for (const instance of [memory, a, b]) {
    instance.child.kill();
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await database.drop();
}
