// CPU the server spends per relayed signaling message: Dialtone's gateway against a bare `ws`
// relay (raw-ws-relay.mjs), under the same load. Run: npm run bench:relay
//
// BENCH_PAIRS (100) caller/callee pairs each hold an active call and trade `_ice` messages of
// about 200 bytes at BENCH_RATE (40) per second per session, under Dialtone's 50/s limit, for
// BENCH_SECONDS (10), in BENCH_ROUNDS (5) alternating rounds. The server's CPU time
// is read from /proc/<pid>/stat around the measured window, so the clients' own work (in this
// process) does not count. Results go to bench/results/relay-cpu.json.
import { writeFileSync } from 'node:fs';
import { logIn, openSocket, ringAndAccept } from './lib/dialtone-client.mjs';
import { startDialtone } from './lib/dialtone-server.mjs';
import { cpuSeconds, freePort, startNode, stop } from './lib/processes.mjs';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 100);
const RATE = Number(process.env.BENCH_RATE ?? 40);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const candidate = `candidate:842163049 1 udp 1677729535 198.51.100.7 50000 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag sK3x network-cost 999`;

/** Sends RATE messages a second from every session to its peer; counts what arrives. */
async function measure(pid, pairs) {
  let received = 0;
  for (const [a, b] of pairs) {
    a.socket.on('message', () => (received += 1));
    b.socket.on('message', () => (received += 1));
  }
  const before = cpuSeconds(pid);
  const started = performance.now();
  let sent = 0;
  const interval = setInterval(() => {
    for (const [a, b] of pairs) {
      for (const [from, to] of [
        [a, b],
        [b, a],
      ]) {
        for (let i = 0; i < RATE / 10; i += 1) {
          from.socket.send(
            JSON.stringify({
              type: '_ice',
              toUser: to.name,
              iceCandidate: { candidate, sdpMid: '0', sdpMLineIndex: 0 },
            }),
          );
          sent += 1;
        }
      }
    }
  }, 100);
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  clearInterval(interval);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const cpu = cpuSeconds(pid) - before;
  const elapsed = (performance.now() - started) / 1000;
  return {
    sent,
    received,
    elapsedSeconds: +elapsed.toFixed(2),
    serverCpuSeconds: cpu,
    cpuMicrosecondsPerMessage: +((cpu * 1e6) / received).toFixed(2),
  };
}

async function dialtone() {
  const server = await startDialtone();
  const login = async (name) => {
    const socket = await openSocket(server.ws, await logIn(server.base, name));
    return { name, socket };
  };
  const pairs = [];
  for (let i = 0; i < PAIRS; i += 1) {
    const a = await login(`benca${i}`);
    const b = await login(`bencb${i}`);
    await ringAndAccept(a, b);
    pairs.push([a, b]);
  }
  try {
    return await measure(server.child.pid, pairs);
  } finally {
    pairs.flat().forEach((p) => p.socket.terminate());
    await server.stop();
  }
}

async function rawWs() {
  const port = await freePort();
  const server = await startNode(['bench/raw-ws-relay.mjs', String(port)], { ready: /ready/ });
  const pairs = [];
  for (let i = 0; i < PAIRS; i += 1) {
    const join = async (name) => ({
      name,
      socket: await openSocket(`ws://127.0.0.1:${port}/?user=${name}`),
    });
    pairs.push([await join(`a${i}`), await join(`b${i}`)]);
  }
  try {
    return await measure(server.pid, pairs);
  } finally {
    pairs.flat().forEach((p) => p.socket.terminate());
    await stop(server);
  }
}

// Loopback I/O makes one window noisy (the clients share the 2 cores), so the two servers are
// measured in alternating rounds and the medians compared.
const rounds = [];
for (let round = 0; round < ROUNDS; round += 1) {
  const raw = await rawWs();
  const gateway = await dialtone();
  rounds.push({
    rawWs: raw,
    dialtone: gateway,
    ratio: +(gateway.cpuMicrosecondsPerMessage / raw.cpuMicrosecondsPerMessage).toFixed(2),
  });
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const result = {
  date: new Date().toISOString(),
  machine: 'node-svc, 2 cores, Node ' + process.version,
  load: { pairs: PAIRS, messagesPerSecondPerSession: RATE, seconds: SECONDS, messageBytes: 200 },
  median: {
    rawWsCpuMicrosecondsPerMessage: median(rounds.map((r) => r.rawWs.cpuMicrosecondsPerMessage)),
    dialtoneCpuMicrosecondsPerMessage: median(
      rounds.map((r) => r.dialtone.cpuMicrosecondsPerMessage),
    ),
    ratio: median(rounds.map((r) => r.ratio)),
  },
  rounds,
};
writeFileSync('bench/results/relay-cpu.json', JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result.median, null, 2));
