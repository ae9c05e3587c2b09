// Dialtone against its peers, side by side in one run (issue 14). Run: npm run bench:peers
// (builds first; needs PostgreSQL and Redis on loopback for the Redis mode, as bench:scale-out).
//
// Servers: Dialtone (one process, embedded SQLite), Dialtone ×2 through Redis (callers on one
// instance, callees on the other: every relayed message crosses Redis), the bare `ws` relay
// (bench/raw-ws-relay.mjs), the PeerJS server and a socket.io relay. Each server is pinned to
// core 0, the load generator (loadgen.mjs, a process of its own) to core 1, so its CPU never
// counts. Servers are measured in rounds, one after another, the order rotating each round; the
// report takes medians over rounds.
//
// Saturation: the bare ws relay's, measured once at the start (the rate at which it would use all
// of its core: probe rate ÷ CPU share), is the common reference — every server gets the same
// offered loads, 5 %, 20 %, 50 % and 80 % of it, so CPU per message compares like with like.
// Each server's own saturation is estimated from its CPU per message at 80 %.
//
// Knobs (env): BENCH_QUICK=1 (~2 minutes, to check the harness), BENCH_ROUNDS, BENCH_SECONDS (per
// load), BENCH_CONNECTIONS (idle connections and reconnect storm), BENCH_PAIRS (relaying pairs),
// BENCH_SETUP_PAIRS, BENCH_MAX_CONNECTIONS (one Dialtone process; 0 skips), BENCH_SATURATION
// (msgs/s; skips the probe), BENCH_SERVERS (comma list of dialtone,dialtoneRedis,ws,peerjs,socketio),
// BENCH_WINDOW (connects in flight), BENCH_PROFILE=1 (then bench/peers/profile.mjs). Results:
// bench/results/peers.json, then docs/benchmarks.md and docs/benchmarks.svg (report.mjs).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds, hardFileLimit, rssBytes } from '../lib/processes.mjs';
import { LoadGenerator } from './load-generator.mjs';
import { writeReport } from './report.mjs';
import { SERVERS, asPairs } from './servers.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const knob = (name, full, quick) => Number(process.env[name] ?? (QUICK ? quick : full));
const CONFIG = {
  quick: QUICK,
  rounds: knob('BENCH_ROUNDS', 3, 1),
  seconds: knob('BENCH_SECONDS', 4, 2),
  connections: knob('BENCH_CONNECTIONS', 10_000, 2000),
  pairs: knob('BENCH_PAIRS', 100, 50),
  setupPairs: knob('BENCH_SETUP_PAIRS', 50, 20),
  setupSeconds: knob('BENCH_SETUP_SECONDS', 2, 2),
  loginSeconds: knob('BENCH_LOGIN_SECONDS', 2, 2),
  loginConcurrency: knob('BENCH_LOGIN_CONCURRENCY', 8, 8),
  maxConnections: knob('BENCH_MAX_CONNECTIONS', 20_000, 0),
  window: knob('BENCH_WINDOW', 1000, 1000),
  drainSeconds: knob('BENCH_DRAIN_SECONDS', 5, 5),
  loads: [0.05, 0.2, 0.5, 0.8],
  servers: (process.env.BENCH_SERVERS ?? 'dialtone,dialtoneRedis,ws,peerjs,socketio').split(','),
};
const RESULTS = 'bench/results/peers.json';
const settle = () => sleep(1500);

function machine() {
  return {
    cpuModel: cpus()[0]?.model,
    cores: cpus().length,
    memoryBytes: totalmem(),
    node: process.version,
    kernel: readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim(),
    loadAverageAtStart: loadavg().map((x) => +x.toFixed(2)),
    fileLimit: hardFileLimit(),
    redis: execFileSync('redis-cli', ['--version'], { encoding: 'utf8' }).trim(),
  };
}

const cpuOf = (pids) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
const rssOf = (pids) => pids.reduce((sum, pid) => sum + rssBytes(pid), 0);

/** One open-loop window: the servers' CPU (and Redis's) around it, the latencies inside it. */
async function relayWindow(loadgen, server, rate) {
  const before = cpuOf(server.pids);
  const redisBefore = server.redisPid ? cpuSeconds(server.redisPid) : 0;
  const started = performance.now();
  const result = await loadgen.run('relay', {
    group: 'pairs',
    rate,
    seconds: CONFIG.seconds,
    drainSeconds: CONFIG.drainSeconds,
  });
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuOf(server.pids) - before;
  // With most messages lost (a server that closed its sockets) there is no per-message figure.
  const perMessage = (seconds) =>
    result.received < result.sent / 2 ? null : +((seconds * 1e6) / result.received).toFixed(2);
  return {
    ...result,
    lost: result.sent - result.received,
    serverCpuShare: +(cpu / elapsed).toFixed(3),
    cpuMicrosecondsPerMessage: perMessage(cpu),
    ...(server.redisPid && {
      redisCpuMicrosecondsPerMessage: perMessage(cpuSeconds(server.redisPid) - redisBefore),
    }),
  };
}

/** Every figure for one server in one round; a fresh server, so each starts from the same state. */
async function measureServer(kind, loadgen, rates) {
  const server = await SERVERS[kind].start();
  const result = { kind };
  try {
    await settle();
    result.baselineRssBytes = rssOf(server.pids);
    const single = server.urls.length === 1;
    const idle = single ? await server.accounts(CONFIG.connections, 'i') : [];
    const pairs = asPairs(server, await server.accounts(CONFIG.pairs * 2, 'p'));
    const setupPairs = asPairs(server, await server.accounts(CONFIG.setupPairs * 2, 's'));
    const open = (group, users) =>
      loadgen.run('open', {
        group,
        kind: server.clientKind,
        urls: server.urls,
        users,
        window: CONFIG.window,
      });

    // Idle authenticated connections (one process only: in Redis mode they would split).
    if (single) {
      await settle();
      const before = rssOf(server.pids);
      const opened = await open('idle', idle);
      await settle();
      const after = rssOf(server.pids);
      result.idle = {
        ...opened,
        rssBeforeBytes: before,
        rssAfterBytes: after,
        bytesPerConnection: Math.round((after - before) / Math.max(1, opened.opened)),
      };
      result.storm = await loadgen.run('storm', { group: 'idle', window: CONFIG.window });
      await loadgen.run('close', { group: 'idle' });
    }

    const opened = await open('pairs', pairs);
    const called = await loadgen.run('call', { group: 'pairs' });
    if (opened.errors || called.errors) {
      throw new Error(`${kind}: pairs not ready ${JSON.stringify({ opened, called })}`);
    }
    // What the server spends doing nothing (timers, pings), so that a low load's figure can be
    // read against it.
    await settle();
    const idleBefore = cpuOf(server.pids);
    await sleep(1000);
    result.idleCpuShare = +(cpuOf(server.pids) - idleBefore).toFixed(3);
    result.relay = {};
    for (const [i, share] of CONFIG.loads.entries()) {
      await sleep(500);
      result.relay[share] = await relayWindow(loadgen, server, rates[i]);
      console.log(
        `  ${kind} ${share * 100}%: ${result.relay[share].cpuMicrosecondsPerMessage} µs/msg, ` +
          `p50 ${result.relay[share].latencyMs?.p50} ms, p99 ${result.relay[share].latencyMs?.p99} ms`,
      );
    }
    await loadgen.run('close', { group: 'pairs' });

    await open('setups', setupPairs);
    result.callSetups = await loadgen.run('setups', {
      group: 'setups',
      seconds: CONFIG.setupSeconds,
    });
    await loadgen.run('close', { group: 'setups' });

    if (kind === 'dialtone') {
      const { BENCH_PASSWORD } = await import('../lib/dialtone-accounts.mjs');
      result.logins = await loadgen.run('logins', {
        base: server.base,
        users: pairs,
        password: BENCH_PASSWORD,
        seconds: CONFIG.loginSeconds,
        concurrency: CONFIG.loginConcurrency,
      });
    }
  } finally {
    await server.stop();
  }
  return result;
}

/** The bare relay's saturation: two probes, each estimating rate ÷ CPU share of its core. */
async function saturation(loadgen) {
  if (process.env.BENCH_SATURATION) {
    return { messagesPerSecond: Number(process.env.BENCH_SATURATION), source: 'BENCH_SATURATION' };
  }
  const server = await SERVERS.ws.start();
  try {
    await loadgen.run('open', {
      group: 'pairs',
      kind: 'ws',
      urls: server.urls,
      users: await server.accounts(CONFIG.pairs * 2, 'p'),
      window: CONFIG.window,
    });
    let rate = 4000;
    const probes = [];
    for (let i = 0; i < 2; i += 1) {
      const window = await relayWindow(loadgen, server, rate);
      const estimate = Math.round(rate / window.serverCpuShare);
      probes.push({ rate, serverCpuShare: window.serverCpuShare, estimate });
      rate = Math.round(estimate * 0.6);
    }
    await loadgen.run('close', { group: 'pairs' });
    return { messagesPerSecond: probes.at(-1).estimate, source: 'bare ws relay, probed', probes };
  } finally {
    await server.stop();
  }
}

/** One Dialtone process, CONFIG.maxConnections sockets from two generators (file limit each). */
async function maxConnections() {
  const server = await SERVERS.dialtone.start();
  const generators = [
    await LoadGenerator.start('loadgen-a'),
    await LoadGenerator.start('loadgen-b'),
  ];
  try {
    const accounts = await server.accounts(CONFIG.maxConnections, 'm');
    const half = Math.ceil(accounts.length / 2);
    const results = await Promise.all(
      generators.map((generator, i) =>
        generator.run('open', {
          group: 'max',
          kind: 'dialtone',
          urls: server.urls,
          users: accounts.slice(i * half, (i + 1) * half),
          window: CONFIG.window / 2,
        }),
      ),
    );
    await settle();
    return {
      attempted: accounts.length,
      opened: results.reduce((sum, r) => sum + r.opened, 0),
      errors: results.reduce((sum, r) => sum + r.errors, 0),
      errorSamples: [...new Set(results.flatMap((r) => r.errorSamples))].slice(0, 5),
      rssBytes: rssOf(server.pids),
      serverFileLimit: hardFileLimit(),
    };
  } finally {
    await Promise.all(generators.map((generator) => generator.stop()));
    await server.stop();
  }
}

const median = (values) => {
  const sorted = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
  if (!sorted.length) {
    return undefined;
  }
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : +((sorted[middle - 1] + sorted[middle]) / 2).toFixed(3);
};

/** Per server, the median over rounds of every figure the report shows. */
function medians(rounds) {
  const out = {};
  for (const kind of CONFIG.servers) {
    const runs = rounds.map((round) => round[kind]).filter(Boolean);
    const pick = (get) => median(runs.map((run) => get(run)));
    out[kind] = {
      baselineRssBytes: pick((r) => r.baselineRssBytes),
      bytesPerIdleConnection: pick((r) => r.idle?.bytesPerConnection),
      idleConnectErrors: pick((r) => r.idle?.errors),
      reconnectStormMs: pick((r) => r.storm?.ms),
      stormErrors: pick((r) => r.storm?.errors),
      callSetupsPerSecond: pick((r) => r.callSetups?.perSecond),
      loginsPerSecond: pick((r) => r.logins?.perSecond),
      idleCpuShare: pick((r) => r.idleCpuShare),
      relay: Object.fromEntries(
        CONFIG.loads.map((share) => [
          share,
          {
            rate: pick((r) => r.relay[share].rate),
            cpuMicrosecondsPerMessage: pick((r) => r.relay[share].cpuMicrosecondsPerMessage),
            redisCpuMicrosecondsPerMessage: pick(
              (r) => r.relay[share].redisCpuMicrosecondsPerMessage,
            ),
            p50: pick((r) => r.relay[share].latencyMs?.p50),
            p99: pick((r) => r.relay[share].latencyMs?.p99),
            max: pick((r) => r.relay[share].latencyMs?.max),
            lost: pick((r) => r.relay[share].lost),
            socketsClosedByServer: pick((r) => r.relay[share].socketsClosedByServer),
            loadgenCpuShare: pick((r) => r.relay[share].loadgenCpuShare),
            maxSendLagMs: pick((r) => r.relay[share].maxSendLagMs),
          },
        ]),
      ),
    };
    const at80 = out[kind].relay[0.8].cpuMicrosecondsPerMessage;
    out[kind].ownSaturationEstimate = at80 ? Math.round(1e6 / at80) : undefined;
  }
  return out;
}

async function main() {
  const limit = hardFileLimit();
  if (limit < CONFIG.connections + 2000) {
    throw new Error(
      `ulimit -Hn is ${limit}: ${CONFIG.connections} connections need at least ` +
        `${CONFIG.connections + 2000} (raise the hard limit, or lower BENCH_CONNECTIONS)`,
    );
  }
  const info = machine();
  console.log(
    `bench:peers ${QUICK ? '(quick) ' : ''}on ${info.cpuModel}, load ${info.loadAverageAtStart}`,
  );
  const started = Date.now();
  const loadgen = await LoadGenerator.start();
  try {
    const reference = await saturation(loadgen);
    const rates = CONFIG.loads.map((share) => Math.round(share * reference.messagesPerSecond));
    console.log(
      `saturation (${reference.source}): ${reference.messagesPerSecond} msgs/s; loads ${rates}`,
    );
    const rounds = [];
    for (let round = 0; round < CONFIG.rounds; round += 1) {
      const order = CONFIG.servers.map(
        (_, i) => CONFIG.servers[(i + round) % CONFIG.servers.length],
      );
      const results = {};
      for (const kind of order) {
        console.log(`round ${round + 1}/${CONFIG.rounds}: ${kind}`);
        results[kind] = await measureServer(kind, loadgen, rates);
      }
      rounds.push(results);
    }
    const max = CONFIG.maxConnections > 0 ? await maxConnections() : undefined;
    const result = {
      date: new Date().toISOString(),
      durationSeconds: Math.round((Date.now() - started) / 1000),
      machine: { ...info, loadAverageAtEnd: loadavg().map((x) => +x.toFixed(2)) },
      config: CONFIG,
      placement: {
        servers: 'taskset -c 0 (both Dialtone instances in Redis mode)',
        loadGenerator: 'taskset -c 1, a separate process',
        redis: 'the system Redis, not pinned; its CPU is reported separately',
      },
      saturation: reference,
      rates,
      labels: Object.fromEntries(CONFIG.servers.map((kind) => [kind, SERVERS[kind].label])),
      median: medians(rounds),
      maxConnections: max,
      rounds,
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${RESULTS}`);
    await writeReport(result);
  } finally {
    await loadgen.stop();
  }
  const profile = process.env.BENCH_PROFILE ?? (QUICK ? '0' : '1');
  if (profile === '1') {
    const { profileDialtone } = await import('./profile.mjs');
    await profileDialtone(JSON.parse(readFileSync(RESULTS, 'utf8')));
  }
}

await main();
