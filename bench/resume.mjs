// Session resume (protocol 2): how long a dropped client takes to get `resumed` and its missed
// messages back, and what a session costs the server while it waits in its resume window.
// Run: npm run bench:resume  (results in bench/results/resume.json)
//
// Latency: BENCH_RUNS (20) times, in a call between two v2 clients, alice's socket is cut; once
// the server has noticed (bob hears peer_status), bob relays REPLAY (256) `_ice` messages of
// about 200 bytes to her, which the server keeps. Then alice opens a new socket and resumes;
// measured from that moment to `resumed`, and to the last replayed message.
// Memory: BENCH_PAIRS (100) calls; the server's RSS (/proc/<pid>/status) with every caller
// connected, then with every caller away in its window, first with nothing kept, then holding a
// full 256-message replay each. The server runs as a child process, so clients do not count.
import { writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { accessToken, rssBytes, startDialtone } from './dialtone-server.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 100);
const REPLAY = 256;
const PROTOCOL = 'dialtone.v2';
const candidate = `candidate:842163049 1 udp 1677729535 198.51.100.7 50000 typ srflx raddr 0.0.0.0 rport 0 generation 0 ufrag sK3x network-cost 999`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// 256 relays in a burst: the message rate is not what is measured.
const startServer = () => startDialtone({ WS_MESSAGE_RATE: '100000', WS_MESSAGE_BURST: '100000' });

/** A v2 client: keeps the last seq it handled and queues what arrives. */
class Client {
  constructor(server, name, token) {
    Object.assign(this, { server, name, token, lastSeq: 0, inbox: [], waiters: [] });
  }

  async open(first) {
    const socket = new WebSocket(`ws://127.0.0.1:${this.server.port}/signaling`, PROTOCOL, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.seq !== undefined) {
        this.lastSeq = message.seq;
      }
      this.inbox.push(message);
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.socket = socket;
    socket.send(JSON.stringify(first));
    return socket;
  }

  async next(type) {
    for (;;) {
      const index = this.inbox.findIndex((message) => message.type === type);
      if (index >= 0) {
        return this.inbox.splice(0, index + 1).at(-1);
      }
      await new Promise((resolve) => this.waiters.push(resolve));
    }
  }

  send(message) {
    this.socket.send(JSON.stringify(message));
  }
}

async function account(server, name) {
  const client = new Client(server, name, await accessToken(server.base, name));
  await client.open({ type: 'ping' });
  const welcome = await client.next('welcome');
  client.sessionId = welcome.sessionId;
  client.resumeToken = welcome.resumeToken;
  return client;
}

async function call(server, i) {
  const alice = await account(server, `resa${i}`);
  const bob = await account(server, `resb${i}`);
  alice.send({ type: 'call_start', toUser: bob.name });
  await bob.next('call_start');
  bob.send({ type: 'call_back', toUser: alice.name, msg: '1' });
  await alice.next('call_back');
  return { alice, bob };
}

/** Cuts alice's socket; resolves once the server has put her session in its window. */
async function drop({ alice, bob }) {
  alice.socket.terminate();
  await bob.next('peer_status');
}

function relayReplay({ alice, bob }) {
  for (let i = 0; i < REPLAY; i += 1) {
    bob.send({
      type: '_ice',
      toUser: alice.name,
      iceCandidate: { candidate, sdpMid: '0', sdpMLineIndex: 0 },
    });
  }
}

async function resume(alice) {
  const startedAt = performance.now();
  alice.inbox = [];
  await alice.open({
    type: 'resume',
    sessionId: alice.sessionId,
    resumeToken: alice.resumeToken,
    lastSeq: alice.lastSeq,
  });
  const resumed = await alice.next('resumed');
  const resumedAt = performance.now();
  if (!resumed.call) {
    throw new Error(`resume lost the call: ${JSON.stringify(resumed)}`);
  }
  alice.resumeToken = resumed.resumeToken;
  let replayed = 0;
  while (replayed < REPLAY) {
    await alice.next('_ice');
    replayed += 1;
  }
  return { toResumedMs: resumedAt - startedAt, toLastReplayedMs: performance.now() - startedAt };
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (value) => +value.toFixed(2);
  return {
    median: round(sorted[Math.floor(sorted.length / 2)]),
    max: round(sorted.at(-1)),
    samples: values.map(round),
  };
};

async function latency() {
  const server = await startServer();
  try {
    const pair = await call(server, 'lat');
    const runs = [];
    for (let run = 0; run < RUNS; run += 1) {
      await drop(pair);
      relayReplay(pair);
      await sleep(200); // let the server take all 256 before alice comes back
      runs.push(await resume(pair.alice));
      await pair.bob.next('peer_status');
    }
    return {
      runs: RUNS,
      replayedMessages: REPLAY,
      toResumedMs: stats(runs.map((r) => r.toResumedMs)),
      toLastReplayedMs: stats(runs.map((r) => r.toLastReplayedMs)),
    };
  } finally {
    server.child.kill();
  }
}

async function settledRss(pid) {
  await sleep(1500);
  return rssBytes(pid);
}

async function memory() {
  const server = await startServer();
  try {
    const pairs = [];
    for (let i = 0; i < PAIRS; i += 1) {
      pairs.push(await call(server, i));
    }
    const connected = await settledRss(server.child.pid);
    for (const pair of pairs) {
      await drop(pair);
    }
    const awayEmpty = await settledRss(server.child.pid);
    for (const pair of pairs) {
      relayReplay(pair);
    }
    const frameBytes = Buffer.byteLength(
      JSON.stringify({
        type: '_ice',
        fromUser: pairs[0].bob.name,
        toUser: pairs[0].alice.name,
        callId: '00000000-0000-0000-0000-000000000000',
        iceCandidate: { candidate, sdpMid: '0', sdpMLineIndex: 0 },
        seq: 100,
      }),
    );
    const awayFull = await settledRss(server.child.pid);
    for (const pair of pairs) {
      pair.bob.socket.terminate();
    }
    return {
      sessionsAway: PAIRS,
      serverRssMiB: {
        allConnected: +(connected / 2 ** 20).toFixed(1),
        callersAwayEmpty: +(awayEmpty / 2 ** 20).toFixed(1),
        callersAwayWith256Kept: +(awayFull / 2 ** 20).toFixed(1),
      },
      perAwaySessionKiB: {
        nothingKept: +((awayEmpty - connected) / PAIRS / 1024).toFixed(1),
        with256Kept: +((awayFull - connected) / PAIRS / 1024).toFixed(1),
      },
      replayFrameBytes: frameBytes,
      replayPayloadKiBPerSession: +((frameBytes * REPLAY) / 1024).toFixed(1),
    };
  } finally {
    server.child.kill();
  }
}

const result = {
  date: new Date().toISOString(),
  machine: 'node-svc, 2 cores, Node ' + process.version,
  latency: await latency(),
  memory: await memory(),
};
writeFileSync('bench/results/resume.json', JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
