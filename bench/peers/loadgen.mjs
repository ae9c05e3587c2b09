// The load generator of bench/peers: a child process of its own (pinned by run.mjs to the core
// the servers do not use), so that its CPU never counts as a server's. run.mjs sends it one
// command at a time over IPC ({ id, op, args }) and gets { id, result } or { id, error } back.
//
// A group is a list of clients; in a group of pairs, client 2i and 2i+1 are caller and callee.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from './clients.mjs';

const groups = new Map();

/** Signals arriving for one client go to whatever the current operation waits for. */
class Party {
  constructor(kind, url, user) {
    Object.assign(this, { kind, url, user, waiters: new Map() });
  }

  async open() {
    const client = await connect(
      this.kind,
      this.url,
      this.user,
      (type, from, sentAt) => this.onSignal(type, from, sentAt),
      () => {
        // Only what the server cut: the bench's own close() forgets the client first.
        if (this.client === client) {
          dropped += 1;
        }
      },
    );
    this.client = client;
  }

  onSignal(type, from, sentAt) {
    if (type === '_ice') {
      relayed?.(sentAt);
      return;
    }
    const wake = this.waiters.get(type);
    if (wake) {
      this.waiters.delete(type);
      wake(from);
    }
  }

  next(type) {
    return new Promise((resolve) => this.waiters.set(type, resolve));
  }
}

/** The receipt hook of the running relay() (one at a time). */
let relayed;
/** Authenticated sockets the servers closed, since the start. */
let dropped = 0;

/** Runs `tasks` with at most `window` of them in flight; resolves with how many threw. */
async function bounded(tasks, window, errors) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      try {
        await task();
      } catch (error) {
        errors.push(String(error?.message ?? error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, tasks.length) }, worker));
}

const summarizeErrors = (errors) => ({
  errors: errors.length,
  errorSamples: [...new Set(errors)].slice(0, 5),
});

/** Cuts every party's socket: the server sees the connection end. */
function cut(parties) {
  for (const party of parties) {
    const client = party.client;
    party.client = undefined;
    client?.close();
  }
}

/** Opens every party, `window` at a time: how many made it, and the ms since `started`. */
async function openAll(parties, window, started) {
  const errors = [];
  await bounded(
    parties.map((party) => () => party.open()),
    window,
    errors,
  );
  return {
    count: parties.length - errors.length,
    ms: performance.now() - started,
    ...summarizeErrors(errors),
  };
}

const ops = {
  /** Opens a client per user (`users[i].target` indexes `urls`); authenticated when it resolves. */
  async open({ group, kind, urls, users, window }) {
    const parties = users.map((user) => new Party(kind, urls[user.target ?? 0], user));
    groups.set(group, parties);
    const { count, ...outcome } = await openAll(parties, window, performance.now());
    return { opened: count, ...outcome };
  },

  async close({ group }) {
    cut(groups.get(group) ?? []);
    groups.delete(group);
    await sleep(500);
    return {};
  },

  /** Every socket of the group is cut at once, then all reconnect; ms until all are back. */
  async storm({ group, window }) {
    const parties = groups.get(group);
    const started = performance.now();
    cut(parties);
    const { count, ...outcome } = await openAll(parties, window, started);
    return { reconnected: count, ...outcome };
  },

  /** Each pair rings and accepts once, so that relaying between them is allowed. */
  async call({ group }) {
    const parties = groups.get(group);
    const errors = [];
    const tasks = [];
    for (let i = 0; i + 1 < parties.length; i += 2) {
      tasks.push(() => setUp(parties[i], parties[i + 1]));
    }
    await bounded(tasks, 20, errors);
    return summarizeErrors(errors);
  },

  /**
   * Open loop: `rate` `_ice` messages a second in total, round robin over every direction of
   * every pair, each on its schedule whatever has arrived; latency from the scheduled send time.
   */
  async relay({ group, rate, seconds, drainSeconds = 5 }) {
    const parties = groups.get(group);
    const directions = [];
    for (let i = 0; i + 1 < parties.length; i += 2) {
      directions.push([parties[i], parties[i + 1]], [parties[i + 1], parties[i]]);
    }
    const latencies = new Float64Array(Math.ceil(rate * seconds) + 16);
    let received = 0;
    relayed = (sentAt) => {
      if (received < latencies.length) {
        latencies[received] = performance.now() - sentAt;
      }
      received += 1;
    };
    const droppedBefore = dropped;
    const total = Math.floor(rate * seconds);
    const interval = 1000 / rate;
    const started = performance.now();
    let sent = 0;
    let maxLagMs = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
      for (; sent < due; sent += 1) {
        const [from, to] = directions[sent % directions.length];
        const scheduled = started + sent * interval;
        from.client.send('_ice', to.user.name, scheduled);
      }
      maxLagMs = Math.max(maxLagMs, performance.now() - (started + (due - 1) * interval));
      // Up to 1 ms late by design: a timer tick, not a busy loop, so that receiving goes on.
      await sleep(1);
    }
    const sendingMs = performance.now() - started;
    const drainUntil = performance.now() + drainSeconds * 1000;
    while (received < sent && performance.now() < drainUntil) {
      await sleep(20);
    }
    relayed = undefined;
    const sorted = latencies.slice(0, Math.min(received, latencies.length)).sort();
    const at = (p) =>
      +sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))].toFixed(3);
    return {
      rate,
      sent,
      received,
      sendingSeconds: +(sendingMs / 1000).toFixed(3),
      maxSendLagMs: +maxLagMs.toFixed(1),
      socketsClosedByServer: dropped - droppedBefore,
      latencyMs: sorted.length ? { p50: at(0.5), p99: at(0.99), max: at(1) } : undefined,
    };
  },

  /** Pairs ring, accept and hang up back to back for `seconds`; completed set-ups a second. */
  async setups({ group, seconds }) {
    const parties = groups.get(group);
    let completed = 0;
    const errors = [];
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    const loops = [];
    for (let i = 0; i + 1 < parties.length; i += 2) {
      const [caller, callee] = [parties[i], parties[i + 1]];
      loops.push(
        (async () => {
          while (performance.now() < until) {
            try {
              await setUp(caller, callee);
              const ended = callee.next('hangup');
              caller.client.send('hangup', callee.user.name);
              await withTimeout(ended, 'hangup');
              completed += 1;
            } catch (error) {
              errors.push(String(error.message));
              return;
            }
          }
        })(),
      );
    }
    await Promise.all(loops);
    const elapsed = (performance.now() - started) / 1000;
    return { completed, perSecond: +(completed / elapsed).toFixed(1), ...summarizeErrors(errors) };
  },

  /** Dialtone's POST /auth/login, `concurrency` at a time, for `seconds`. */
  async logins({ base, users, password, seconds, concurrency }) {
    let completed = 0;
    let next = 0;
    const errors = [];
    const until = performance.now() + seconds * 1000;
    const started = performance.now();
    const worker = async () => {
      while (performance.now() < until) {
        const user = users[next++ % users.length];
        const response = await fetch(`${base}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: user.name, password }),
        });
        await response.arrayBuffer();
        if (response.ok) {
          completed += 1;
        } else {
          errors.push(`HTTP ${response.status}`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = (performance.now() - started) / 1000;
    return { completed, perSecond: +(completed / elapsed).toFixed(1), ...summarizeErrors(errors) };
  },
};

function withTimeout(promise, what, ms = 10_000) {
  return Promise.race([
    promise,
    sleep(ms).then(() => {
      throw new Error(`no ${what} within ${ms} ms`);
    }),
  ]);
}

async function setUp(caller, callee) {
  const ringing = callee.next('call_start');
  caller.client.send('call_start', callee.user.name);
  await withTimeout(ringing, 'call_start');
  const accepted = caller.next('call_back');
  callee.client.send('call_back', caller.user.name);
  await withTimeout(accepted, 'call_back');
}

process.on('message', async ({ id, op, args }) => {
  try {
    process.send({ id, result: await ops[op](args) });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
process.send({ ready: true });
