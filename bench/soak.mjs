// Soak: SOAK_CONNECTIONS (5000) protocol-2 sockets held open for SOAK_SECONDS (120) while pairs of
// accounts churn through calls (accept and relay, reject, ring timeout, cancel) and sockets are
// cut at random and resumed. Run: npm run soak (builds first). Exits 1 if an assertion fails:
// - every relayed message arrives exactly once and in order: each payload carries a per-call
//   sequence number checked on the receiving side, across resumes; and every session's `seq` is
//   consecutive (nothing lost or replayed twice);
// - the server relayed as many messages as the clients received (GET /metrics);
// - nothing leaks: once the churn stops no call is left; once every client has closed (half of
//   them abruptly) and the resume window has passed, /metrics shows 0 sessions, 0 resumable, 0 calls;
// - memory is flat: the server's mean RSS over the last third of the run after warm-up is within
//   SOAK_RSS_TOLERANCE (15 %) of its mean over the first third.
// Accounts are expensive to create (argon2id), so each holds SOAK_SESSIONS_PER_ACCOUNT (20)
// sessions: every one of them rings, one answers, the others hear answered_elsewhere.
// SOAK_SAVE=1 writes bench/results/soak.json (the committed result is a 30-minute run).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { logIn } from './lib/dialtone-client.mjs';
import { startDialtone } from './lib/dialtone-server.mjs';
import { freePort, rssBytes } from './lib/processes.mjs';

const env = process.env;
const SECONDS = Number(env.SOAK_SECONDS ?? 120);
const CONNECTIONS = Number(env.SOAK_CONNECTIONS ?? 5000);
const PER_ACCOUNT = Number(env.SOAK_SESSIONS_PER_ACCOUNT ?? 20);
const RING_TIMEOUT_MS = Number(env.SOAK_RING_TIMEOUT_MS ?? 2000);
const RESUME_WINDOW_MS = Number(env.SOAK_RESUME_WINDOW_MS ?? 15_000);
/**
 * Messages each session keeps for replay (RESUME_BUFFER_MESSAGES, 256 by default). A connected
 * session keeps its latest ones too, so the buffers grow until full: 5,000 full default buffers
 * are ~370 MiB, and would take longer to fill than a short run lasts. Kept small here and filled
 * before the churn (Session.prime), what is left to grow is what should not; 24 covers the
 * longest absence in the run (11 relayed messages).
 */
const REPLAY_BUFFER = Number(env.SOAK_REPLAY_BUFFER ?? 24);
/** Relayed messages each side sends per accepted call (an offer or answer, then `_ice`). */
const RELAYS = Number(env.SOAK_RELAYS_PER_CALL ?? 12);
/** Pause of each pair between two calls: uniformly 1.2 s (above the 1 s cooldown) to this. */
const MAX_PAUSE_MS = Number(env.SOAK_MAX_PAUSE_MS ?? 3000);
/** Chance that the receiving side of a call's relay has its socket cut mid-stream. */
const CALL_DROP_CHANCE = Number(env.SOAK_CALL_DROP_CHANCE ?? 0.3);
/** Idle sockets cut (and resumed) a second, across all sessions. */
const IDLE_DROPS_PER_SECOND = Number(env.SOAK_IDLE_DROPS_PER_SECOND ?? 5);
const WARMUP_SECONDS = Number(env.SOAK_WARMUP_SECONDS ?? Math.min(120, Math.round(SECONDS / 4)));
/** How often the server's RSS is sampled, after a full garbage collection. */
const SAMPLE_MS = Math.max(3000, (SECONDS * 1000) / 200);
const RSS_TOLERANCE = Number(env.SOAK_RSS_TOLERANCE ?? 0.15);
const SAVE = env.SOAK_SAVE === '1';
const RESULTS = 'bench/results/soak.json';
const PROTOCOL = 'dialtone.v2';
const CLIENT_PING_MS = 10_000;
const WAIT_MS = RING_TIMEOUT_MS + 10_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = (items) => items[Math.floor(Math.random() * items.length)];
const between = (min, max) => min + Math.random() * (max - min);

await ensureFileLimit(CONNECTIONS + 1024);

const failures = [];
const counts = {
  calls: { accepted: 0, rejected: 0, timeout: 0, cancelled: 0 },
  relayedSent: 0,
  relayedReceived: 0,
  drops: 0,
  resumes: 0,
};
function fail(what) {
  if (failures.length < 50) {
    console.error(`FAIL: ${what}`);
  }
  failures.push(what);
}

/**
 * Node cannot raise its own RLIMIT_NOFILE: below what the run needs, the script runs itself again
 * under `ulimit -n` (the server, its child, inherits the limit), or stops if that is refused.
 */
async function ensureFileLimit(needed) {
  const soft = Number(/Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))[1]);
  if (soft >= needed) {
    return;
  }
  if (env.SOAK_LIMIT_RAISED) {
    throw new Error(`open-file limit is ${soft} after raising it; ${needed} are needed`);
  }
  console.log(`raising the open-file limit from ${soft} to ${needed} (ulimit -n)`);
  const child = spawn(
    'bash',
    ['-c', `ulimit -n ${needed} && exec "$0" "$@"`, process.execPath, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...env, SOAK_LIMIT_RAISED: '1' } },
  );
  const code = await new Promise((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  if (code !== 0) {
    console.error(`the soak under ulimit -n ${needed} exited with ${code}`);
  }
  process.exit(code);
}

/** The per-call sequence number a relayed payload carries. */
const relaySeq = (message) =>
  Number(/soak-seq:(\d+)/.exec(message.sdp ?? message.iceCandidate?.candidate ?? '')?.[1]);

/**
 * One protocol-2 session of an account: checks that `seq` is consecutive across resumes, checks
 * the relayed messages of its current call, and lets the driver wait for what it expects.
 */
class Session {
  constructor(server, account) {
    Object.assign(this, { server, account, lastSeq: 0, inbox: [], waiters: [] });
    /** Being cut or resumed, or taking part in a call: the idle dropper leaves it alone. */
    this.busy = false;
    /** The client closes or cuts its socket on purpose. */
    this.leaving = false;
    /** `not_in_call` errors still expected in answer to prime(). */
    this.priming = 0;
    /** The call whose relayed messages it receives, and the sequence number it expects next. */
    this.relay = undefined;
  }

  get name() {
    return this.account.name;
  }

  async connect(first) {
    const socket = new WebSocket(`ws://127.0.0.1:${this.server.port}/signaling`, PROTOCOL, {
      headers: { authorization: `Bearer ${this.account.token}` },
    });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.on('error', () => undefined); // a cut socket may report ECONNRESET; its close follows
    socket.on('close', (code) => {
      if (socket === this.socket && !this.leaving) {
        fail(`${this.name}/${this.sessionId}: the server closed the socket (${code})`);
      }
    });
    socket.on('message', (data) => {
      if (socket === this.socket) {
        this.handle(JSON.parse(data.toString()));
      }
    });
    this.socket = socket;
    this.leaving = false;
    socket.send(JSON.stringify(first));
  }

  async open() {
    await this.connect({ type: 'ping' });
    const welcome = await this.next((m) => m.type === 'welcome');
    this.sessionId = welcome.sessionId;
    this.resumeToken = welcome.resumeToken;
  }

  handle(message) {
    if (message.seq !== undefined) {
      if (message.seq !== this.lastSeq + 1) {
        fail(`${this.name}/${this.sessionId}: seq ${message.seq} after ${this.lastSeq}`);
      }
      this.lastSeq = message.seq;
    }
    if (message.type === 'resume_failed') {
      fail(
        `${this.name}: resume failed (${message.code}) ${this.resumeStartedAfterMs} ms after ` +
          `the cut, lastSeq ${this.lastSeq}`,
      );
    }
    if (message.type === 'error' && this.priming > 0 && message.code === 'not_in_call') {
      this.priming -= 1;
    } else if (message.type === 'error') {
      fail(`${this.name}: error ${message.code}: ${message.msg}`);
    }
    if (['offer', 'answer', '_ice'].includes(message.type)) {
      this.received(message);
    }
    const waiter = this.waiters.find((w) => w.matches(message));
    if (waiter) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    } else {
      this.inbox.push(message);
      if (this.inbox.length > 32) {
        this.inbox.shift();
      }
    }
  }

  received(message) {
    counts.relayedReceived += 1;
    const expected = this.relay;
    const seq = relaySeq(message);
    if (!expected || message.callId !== expected.callId) {
      fail(`${this.name}: ${message.type} #${seq} of call ${message.callId}, not its call`);
    } else if (seq !== expected.next) {
      fail(
        `${this.name}: ${message.type} #${seq} of call ${message.callId}, expected #${expected.next}`,
      );
    } else {
      expected.next += 1;
    }
  }

  /** The first message matching, already received or yet to come; rejects after WAIT_MS. */
  next(matches, what = 'a message') {
    const index = this.inbox.findIndex(matches);
    if (index >= 0) {
      return Promise.resolve(this.inbox.splice(index, 1)[0]);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`${this.name}/${this.sessionId}: no ${what} within ${WAIT_MS} ms`));
      }, WAIT_MS);
      const waiter = {
        matches,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      };
      this.waiters.push(waiter);
    });
  }

  send(message) {
    this.socket.send(JSON.stringify(message));
  }

  /**
   * Cuts the socket without a close frame, as a lost network does; after `awayMs` resumes on a new
   * one. Only while it has nothing of its own in flight: resume replays what the server sent, not
   * what a client sent on a dying socket.
   */
  /**
   * Fills the session's replay buffer, which keeps the latest frames even while connected, with
   * `count` cheap `not_in_call` errors (a relay outside a call): from then on it holds as much as
   * it ever will, and memory growth after the warm-up is what should not grow.
   */
  async prime(count) {
    this.priming = count;
    for (let i = 0; i < count; i += 1) {
      this.send({ type: '_ice', toUser: 'nobody', iceCandidate: { candidate: '' } });
    }
    await until(() => this.priming === 0, `${this.name}: ${count} not_in_call errors`);
  }

  async dropAndResume(awayMs) {
    counts.drops += 1;
    this.leaving = true; // until the new socket replaces it: this one's close is expected
    this.socket.terminate();
    const cutAt = Date.now();
    await sleep(awayMs);
    this.resumeStartedAfterMs = Date.now() - cutAt;
    await this.connect({
      type: 'resume',
      sessionId: this.sessionId,
      resumeToken: this.resumeToken,
      lastSeq: this.lastSeq,
    });
    const resumed = await this.next((m) => m.type === 'resumed', 'resumed');
    this.resumeToken = resumed.resumeToken;
    counts.resumes += 1;
  }
}

/** Sends `RELAYS` relayed messages numbered 1…RELAYS: an SDP first, then ICE candidates. */
async function relay(from, to, callId, sdpType) {
  for (let seq = 1; seq <= RELAYS; seq += 1) {
    const tag = `soak-seq:${seq}`;
    from.send(
      seq === 1
        ? { type: sdpType, toUser: to.name, callId, sdp: `v=0\r\na=${tag}\r\n` }
        : {
            type: '_ice',
            toUser: to.name,
            callId,
            iceCandidate: {
              candidate: `candidate:1 1 udp 2122260223 192.0.2.1 ${50000 + seq} typ host ${tag}`,
              sdpMid: '0',
              sdpMLineIndex: 0,
            },
          },
    );
    counts.relayedSent += 1;
    if (seq % 4 === 0) {
      await sleep(5); // spread over a few event-loop turns, so that a cut lands mid-stream
    }
  }
}

/** `to` receives all RELAYS messages of the call, maybe cut once in the middle and resumed. */
async function receive(to, callId) {
  to.relay = { callId, next: 1 };
  if (Math.random() < CALL_DROP_CHANCE) {
    const cutAfter = Math.floor(Math.random() * RELAYS);
    await until(() => to.relay.next > cutAfter);
    await to.dropAndResume(between(10, Math.min(1500, RESUME_WINDOW_MS / 2)));
  }
  await until(() => to.relay.next > RELAYS, `${to.name}: all ${RELAYS} relayed messages`);
}

async function until(condition, what = 'a condition') {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`no ${what} within ${WAIT_MS} ms`);
    }
    await sleep(10);
  }
}

const isRing = (m) => m.type === 'call_start';

/** One call between two accounts, its ending picked at random. */
async function call(caller, callee) {
  const from = pick(caller.sessions.filter((s) => !s.busy));
  const ringable = callee.sessions.filter((s) => !s.busy);
  if (!from || ringable.length === 0) {
    return;
  }
  const answering = pick(ringable);
  from.busy = answering.busy = true;
  try {
    for (const session of [...caller.sessions, ...callee.sessions]) {
      session.inbox = [];
    }
    from.send({ type: 'call_start', toUser: callee.name });
    await from.next((m) => m.type === 'ringing', 'ringing');
    const ring = await answering.next(isRing, 'call_start');
    const { callId } = ring;
    const ending = pick(['accepted', 'accepted', 'accepted', 'rejected', 'timeout', 'cancelled']);
    counts.calls[ending] += 1;
    if (ending === 'accepted') {
      answering.send({ type: 'call_back', toUser: caller.name, callId, msg: '1' });
      await from.next((m) => m.type === 'call_back' && m.msg === '1', 'accept');
      await Promise.all([relay(from, answering, callId, 'offer'), receive(answering, callId)]);
      await Promise.all([relay(answering, from, callId, 'answer'), receive(from, callId)]);
      from.send({ type: 'hangup', toUser: callee.name, callId });
      await answering.next((m) => m.type === 'hangup' && m.code === 'hangup', 'hangup');
    } else if (ending === 'rejected') {
      answering.send({ type: 'call_back', toUser: caller.name, callId, msg: '0' });
      await from.next((m) => m.type === 'call_back' && m.code === 'rejected', 'rejected');
    } else if (ending === 'timeout') {
      await from.next((m) => m.type === 'call_back' && m.code === 'no_answer', 'no_answer');
      await answering.next((m) => m.type === 'hangup' && m.code === 'missed', 'missed');
    } else {
      from.send({ type: 'hangup', toUser: callee.name, callId });
      await answering.next((m) => m.type === 'hangup' && m.code === 'cancelled', 'cancelled');
    }
  } finally {
    from.relay = answering.relay = undefined;
    from.busy = answering.busy = false;
  }
}

/** Two accounts calling each other, each time the other way round at random. */
async function pairLoop(one, other, stop) {
  await sleep(between(0, MAX_PAUSE_MS));
  while (!stop.stopped) {
    const [caller, callee] = Math.random() < 0.5 ? [one, other] : [other, one];
    try {
      await call(caller, callee);
    } catch (error) {
      fail(`call ${caller.name} → ${callee.name}: ${error.message}`);
      return;
    }
    await sleep(between(1200, MAX_PAUSE_MS));
  }
}

/** Cuts idle sockets at random, IDLE_DROPS_PER_SECOND, each resumed a moment later. */
async function idleDropper(sessions, stop) {
  const pending = new Set();
  while (!stop.stopped) {
    await sleep(1000 / IDLE_DROPS_PER_SECOND);
    const session = pick(sessions);
    if (session.busy) {
      continue;
    }
    session.busy = true;
    const done = session
      .dropAndResume(between(10, Math.min(3000, RESUME_WINDOW_MS / 2)))
      .catch((error) => fail(`idle resume: ${error.message}`))
      .finally(() => {
        session.busy = false;
        pending.delete(done);
      });
    pending.add(done);
  }
  await Promise.all(pending);
}

async function scrape(server, token) {
  const response = await fetch(`${server.base}/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) {
    throw new Error(`GET /metrics: ${response.status}`);
  }
  const values = new Map();
  for (const line of (await response.text()).split('\n')) {
    const match = /^(dialtone_\S+?) (\S+)$/.exec(line);
    if (match) {
      values.set(match[1], Number(match[2]));
    }
  }
  return (name) => values.get(name) ?? 0;
}

function expectMetric(metric, name, expected, when) {
  const value = metric(name);
  if (value !== expected) {
    fail(`${when}: ${name} is ${value}, expected ${expected}`);
  }
  return value;
}

/**
 * The server's inspector (it runs with --inspect on a free loopback port): a full garbage
 * collection before each RSS sample, so that the samples follow what the server keeps rather
 * than how much garbage V8 let pile up since its last major GC (a saw-tooth of 100+ MiB here).
 */
async function inspector(port) {
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let id = 0;
  return {
    collectGarbage: () =>
      new Promise((resolve) => {
        const mine = (id += 1);
        const answer = (data) => {
          if (JSON.parse(data.toString()).id === mine) {
            socket.off('message', answer);
            resolve();
          }
        };
        socket.on('message', answer);
        socket.send(JSON.stringify({ id: mine, method: 'HeapProfiler.collectGarbage' }));
      }),
    close: () => socket.terminate(),
  };
}

const mean = (values) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
const mib = (bytes) => +(bytes / 2 ** 20).toFixed(1);

async function run() {
  const metricsToken = randomBytes(24).toString('hex');
  const inspectorPort = await freePort();
  const server = await startDialtone(
    {
      METRICS_TOKEN: metricsToken,
      MAX_SESSIONS_PER_USER: String(PER_ACCOUNT),
      RING_TIMEOUT_MS: String(RING_TIMEOUT_MS),
      RESUME_WINDOW_MS: String(RESUME_WINDOW_MS),
      RESUME_BUFFER_MESSAGES: String(REPLAY_BUFFER),
      // One client address makes every resume: never throttle them.
      RESUME_MAX_FAILURES: '10000',
      // Calls and relays at a soak's pace, the same pairs again and again.
      WS_MESSAGE_RATE: '1000',
      WS_MESSAGE_BURST: '1000',
      CALL_STARTS_PER_CALLEE: '100000',
      CALL_STARTS_PER_CALLER: '1000000',
      CALL_COOLDOWN: '1',
    },
    { nodeArgs: [`--inspect=127.0.0.1:${inspectorPort}`] },
  );
  const gc = await inspector(inspectorPort);
  const pid = server.child.pid;
  const stop = { stopped: false };
  try {
    const accountCount = Math.ceil(CONNECTIONS / PER_ACCOUNT / 2) * 2;
    console.log(`creating ${accountCount} accounts…`);
    const accounts = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < accountCount) {
          const name = `soak${next++}`;
          accounts.push({ name, token: await logIn(server.base, name), sessions: [] });
        }
      }),
    );
    console.log(`opening ${CONNECTIONS} sockets…`);
    const sessions = [];
    for (let i = 0; i < CONNECTIONS; i += 1) {
      const account = accounts[i % accountCount];
      const session = new Session(server, account);
      account.sessions.push(session);
      sessions.push(session);
    }
    // Pinging from the start: a socket silent for WS_SILENCE_TIMEOUT_MS (25 s) is dropped.
    const pinging = setInterval(() => {
      for (const session of sessions) {
        if (session.socket?.readyState === WebSocket.OPEN) {
          session.send({ type: 'ping' });
        }
      }
    }, CLIENT_PING_MS);
    for (let i = 0; i < sessions.length; i += 100) {
      await Promise.all(sessions.slice(i, i + 100).map((s) => s.open()));
    }
    console.log(`filling the replay buffers (${REPLAY_BUFFER} messages each)…`);
    for (let i = 0; i < sessions.length; i += 500) {
      await Promise.all(sessions.slice(i, i + 500).map((s) => s.prime(REPLAY_BUFFER)));
    }
    const metric = await scrape(server, metricsToken);
    expectMetric(metric, 'dialtone_sessions_open', CONNECTIONS, 'all connected');

    console.log(`churning for ${SECONDS} s (warm-up ${WARMUP_SECONDS} s)…`);
    const startedAt = Date.now();
    const samples = [];
    const sampling = (async () => {
      while (!stop.stopped) {
        await gc.collectGarbage();
        samples.push({ t: (Date.now() - startedAt) / 1000, rss: rssBytes(pid) });
        await sleep(SAMPLE_MS);
      }
    })();
    const progress = setInterval(() => {
      const c = counts.calls;
      console.log(
        `${Math.round((Date.now() - startedAt) / 1000)} s: calls ${JSON.stringify(c)}, ` +
          `relayed ${counts.relayedReceived}, drops ${counts.drops}, ` +
          `RSS ${mib(rssBytes(pid))} MiB, failures ${failures.length}`,
      );
    }, 10_000);
    const loops = [];
    for (let i = 0; i < accounts.length; i += 2) {
      loops.push(pairLoop(accounts[i], accounts[i + 1], stop));
    }
    loops.push(idleDropper(sessions, stop));
    await sleep(SECONDS * 1000);
    stop.stopped = true;
    clearInterval(progress);
    await Promise.all([...loops, sampling]);
    const elapsed = (Date.now() - startedAt) / 1000;

    await sleep(500);
    const settled = await scrape(server, metricsToken);
    expectMetric(settled, 'dialtone_calls{state="ringing"}', 0, 'churn stopped');
    expectMetric(settled, 'dialtone_calls{state="active"}', 0, 'churn stopped');
    expectMetric(settled, 'dialtone_sessions_open', CONNECTIONS, 'churn stopped');
    expectMetric(settled, 'dialtone_sessions_resumable', 0, 'churn stopped');
    const relayedByServer = ['offer', 'answer', '_ice'].reduce(
      (sum, type) => sum + settled(`dialtone_relayed_messages_total{type="${type}"}`),
      0,
    );
    if (relayedByServer !== counts.relayedReceived || counts.relayedSent !== relayedByServer) {
      fail(
        `relayed: clients sent ${counts.relayedSent}, server relayed ${relayedByServer}, ` +
          `clients received ${counts.relayedReceived}`,
      );
    }

    // Half leave on purpose (1000: their sessions end at once), half vanish (their sessions wait
    // out the resume window, which must then end them).
    clearInterval(pinging);
    await Promise.all(
      sessions.map((session, i) => {
        session.leaving = true;
        const closed = new Promise((resolve) => session.socket.once('close', resolve));
        if (i % 2 === 0) {
          session.socket.close(1000, 'soak over');
        } else {
          session.socket.terminate();
        }
        return closed;
      }),
    );
    await sleep(RESUME_WINDOW_MS + 2000);
    const end = await scrape(server, metricsToken);
    for (const name of [
      'dialtone_sessions_open',
      'dialtone_sessions_resumable',
      'dialtone_calls{state="ringing"}',
      'dialtone_calls{state="active"}',
    ]) {
      expectMetric(end, name, 0, 'all closed, window over');
    }

    const afterWarmup = samples.filter((s) => s.t >= WARMUP_SECONDS).map((s) => s.rss);
    const third = Math.max(1, Math.floor(afterWarmup.length / 3));
    const baseline = mean(afterWarmup.slice(0, third));
    const last = mean(afterWarmup.slice(-third));
    const growth = last / baseline - 1;
    if (afterWarmup.length < 3) {
      fail(`only ${afterWarmup.length} RSS samples after warm-up`);
    } else if (growth > RSS_TOLERANCE) {
      fail(
        `RSS grew ${(growth * 100).toFixed(1)} % after warm-up ` +
          `(${mib(baseline)} → ${mib(last)} MiB; tolerance ${RSS_TOLERANCE * 100} %)`,
      );
    }
    const allRss = samples.map((s) => s.rss);
    return {
      date: new Date().toISOString(),
      machine: `${env.HOSTNAME ?? 'this machine'}, Node ${process.version}`,
      durationSeconds: +elapsed.toFixed(1),
      connections: CONNECTIONS,
      accounts: accountCount,
      sessionsPerAccount: PER_ACCOUNT,
      ringTimeoutMs: RING_TIMEOUT_MS,
      resumeWindowMs: RESUME_WINDOW_MS,
      calls: {
        total: Object.values(counts.calls).reduce((a, b) => a + b, 0),
        ...counts.calls,
      },
      relayedMessages: {
        sent: counts.relayedSent,
        received: counts.relayedReceived,
        relayedByServer,
      },
      drops: counts.drops,
      resumes: counts.resumes,
      serverRssMiB: {
        warmupSeconds: WARMUP_SECONDS,
        samples: allRss.length,
        min: mib(Math.min(...allRss)),
        max: mib(Math.max(...allRss)),
        firstThirdAfterWarmup: mib(baseline),
        lastThird: mib(last),
        growthPercent: +(growth * 100).toFixed(1),
        tolerancePercent: RSS_TOLERANCE * 100,
      },
      failures: failures.length,
      firstFailures: failures.slice(0, 10),
      pass: failures.length === 0,
    };
  } finally {
    stop.stopped = true;
    gc.close();
    await server.stop();
  }
}

const result = await run();
console.log(JSON.stringify(result, null, 2));
if (SAVE) {
  writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`written to ${RESULTS}`);
}
console.log(result.pass ? 'SOAK PASSED' : `SOAK FAILED: ${failures.length} failed assertion(s)`);
process.exit(result.pass ? 0 : 1);
