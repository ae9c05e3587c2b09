// Where Dialtone's cost is, for the targets bench:peers finds unmet (BENCH_PROFILE=1, the default
// of a full run): V8 CPU profiles of the relay at 50 % load, of the reconnect storm and of the
// relay through Redis, aggregated by self time per module and per function; what one trip through
// Redis costs on this machine; and what each major dependency adds to RSS when imported into a
// fresh process. Writes bench/peers/profile.md and
// bench/results/peers-profile.json; `node bench/peers/profile.mjs` runs it alone.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import * as prettier from 'prettier';
import { cpuSeconds, rssBytes } from '../lib/processes.mjs';
import { LoadGenerator } from './load-generator.mjs';
import { REDIS_URL } from '../lib/redis.mjs';
import { SERVERS, asPairs } from './servers.mjs';

const MARKDOWN = 'bench/peers/profile.md';
const RAW = 'bench/results/peers-profile.json';

/** Module of a profiled function: an npm package, a Dialtone folder, Node's internals, or V8's. */
function moduleOf(url) {
  if (!url) {
    return '(V8 / native)';
  }
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) {
    return pkg[1];
  }
  const own = /\/dist\/(?:src\/)?([^/]+)(?:\/|\.js)/.exec(url);
  if (own) {
    return `dialtone ${own[1]}`;
  }
  if (url.startsWith('node:')) {
    return `node:${url.slice(5).split('/')[1] ?? url.slice(5)}`;
  }
  return url;
}

/**
 * Self time per profile node: the sum of the sampling intervals that ended in it, over every
 * profile given (the two instances of Redis mode count together). Shares are of the busy time:
 * (idle), the event loop waiting, is left out and reported on its own.
 */
export function aggregate(profiles) {
  const modules = new Map();
  const functions = new Map();
  let all = 0;
  let idle = 0;
  for (const profile of profiles) {
    const self = new Map();
    profile.samples.forEach((id, i) =>
      self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
    );
    for (const node of profile.nodes) {
      const time = self.get(node.id) ?? 0;
      const { functionName, url, lineNumber } = node.callFrame;
      all += time;
      if (functionName === '(idle)') {
        idle += time;
      }
      if (!time || functionName === '(idle)') {
        continue;
      }
      const module = ['(program)', '(garbage collector)'].includes(functionName)
        ? functionName
        : moduleOf(url);
      modules.set(module, (modules.get(module) ?? 0) + time);
      const where = url
        ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber + 1}`
        : '';
      const key = `${functionName || '(anonymous)'} ${where}`.trim();
      functions.set(key, { module, time: (functions.get(key)?.time ?? 0) + time });
    }
  }
  const total = all - idle;
  const share = (time) => +((100 * time) / total).toFixed(1);
  return {
    busyMs: +(total / 1000).toFixed(1),
    idlePercent: +((100 * idle) / all).toFixed(1),
    modules: [...modules]
      .sort((a, b) => b[1] - a[1])
      .map(([name, time]) => ({ name, percent: share(time) })),
    functions: [...functions]
      .sort((a, b) => b[1].time - a[1].time)
      .slice(0, 30)
      .map(([name, { module, time }]) => ({ name, module, percent: share(time) })),
  };
}

const cpuOf = (pids) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);

/**
 * Starts server `kind` with every process under the profiler hook, lets `prepare` set up its
 * clients, then profiles all its processes while `measure` runs only. Resolves with what
 * `measure` returned (plus the servers' CPU share in that window) and one profile per process.
 */
async function profiled(kind, prepare, measure) {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-profile-'));
  const server = await SERVERS[kind].start({
    nodeArgs: ['--import', './bench/peers/cpu-profile-hook.mjs'],
    env: { BENCH_CPU_PROFILE_DIR: dir },
  });
  const loadgen = await LoadGenerator.start();
  const signalAll = () => server.pids.forEach((pid) => process.kill(pid, 'SIGUSR2'));
  try {
    await prepare(server, loadgen);
    await sleep(1000);
    signalAll();
    const before = cpuOf(server.pids);
    const started = performance.now();
    const result = await measure(server, loadgen);
    const elapsed = (performance.now() - started) / 1000;
    result.serverCpuShare = +((cpuOf(server.pids) - before) / elapsed).toFixed(3);
    signalAll();
    const files = server.pids.map((pid) => join(dir, `${pid}.cpuprofile`));
    for (let i = 0; i < 100 && !files.every((file) => existsSync(file)); i += 1) {
      await sleep(100);
    }
    return { result, profiles: files.map((file) => JSON.parse(readFileSync(file, 'utf8'))) };
  } finally {
    await loadgen.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens `pairs` calls (callers on the first URL, callees on the last) ready to relay. */
async function openCalls(server, loadgen, pairs) {
  await loadgen.run('open', {
    group: 'pairs',
    kind: 'dialtone',
    urls: server.urls,
    users: asPairs(server, await server.accounts(pairs * 2, 'p')),
    window: 200,
  });
  await loadgen.run('call', { group: 'pairs' });
}

/** The three windows profiled, each where bench:peers finds a target unmet. */
const WINDOWS = {
  relay: (config, rates) => ({
    kind: 'dialtone',
    what: `One Dialtone process relaying \`_ice\` at ${rates[2]} messages/s (50 % of the reference saturation) for ${config.seconds} s over ${config.pairs} calls.`,
    prepare: (server, loadgen) => openCalls(server, loadgen, config.pairs),
    measure: (server, loadgen) =>
      loadgen.run('relay', { group: 'pairs', rate: rates[2], seconds: config.seconds }),
  }),
  storm: (config) => ({
    kind: 'dialtone',
    what: `One Dialtone process while ${config.connections} authenticated sockets are cut at once and all reconnect (${config.window} connects in flight).`,
    prepare: async (server, loadgen) => {
      const users = await server.accounts(config.connections, 'i');
      await loadgen.run('open', {
        group: 'idle',
        kind: 'dialtone',
        urls: server.urls,
        users,
        window: config.window,
      });
    },
    measure: (server, loadgen) => loadgen.run('storm', { group: 'idle', window: config.window }),
  }),
  redisRelay: (config, rates) => ({
    kind: 'dialtoneRedis',
    what: `Two Dialtone instances through Redis (callers on one, callees on the other; both on core 0, profiles added up) relaying at ${rates[0]} messages/s (the 5 % load at which the hop is measured) for ${config.seconds} s over ${config.pairs} calls.`,
    prepare: (server, loadgen) => openCalls(server, loadgen, config.pairs),
    measure: (server, loadgen) =>
      loadgen.run('relay', { group: 'pairs', rate: rates[0], seconds: config.seconds }),
  }),
};

const IMPORTS = [
  ['@nestjs/core + @nestjs/platform-express', ['@nestjs/core', '@nestjs/platform-express']],
  ['@nestjs/websockets + @nestjs/platform-ws', ['@nestjs/websockets', '@nestjs/platform-ws']],
  ['typeorm', ['typeorm']],
  ['class-validator + class-transformer', ['class-validator', 'class-transformer']],
  ['@zxcvbn-ts/core + language-common', ['@zxcvbn-ts/core', '@zxcvbn-ts/language-common']],
  ['redis', ['redis']],
  ['pg', ['pg']],
  ['better-sqlite3', ['better-sqlite3']],
  ['@node-rs/argon2', ['@node-rs/argon2']],
  ['hbs + helmet + cookie-parser', ['hbs', 'helmet', 'cookie-parser']],
  ['ws', ['ws']],
  ['the whole app module (dist/app.module.js)', ['./dist/app.module.js']],
];

/** RSS of a fresh `node` after importing `specifiers` (and a full GC), in bytes. */
function rssAfterImport(specifiers) {
  const script = `${specifiers.map((s) => `await import(${JSON.stringify(s.startsWith('.') ? pathToFileURL(s).href : s)});`).join('')}
globalThis.gc(); await new Promise((r) => setTimeout(r, 200)); process.stdout.write(String(process.memoryUsage().rss));`;
  return Number(
    execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    }),
  );
}

function importCosts() {
  const bare = rssAfterImport([]);
  return {
    bareNodeRssBytes: bare,
    imports: IMPORTS.map(([name, specifiers]) => ({
      name,
      addedRssBytes: rssAfterImport(specifiers) - bare,
    })),
  };
}

const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/**
 * What one trip through Redis costs on this machine, measured from Node with the client the
 * instances use: a command's round trip, and the time from an EVALSHA whose script PUBLISHes (as
 * a relay's does) until a subscriber on another connection has the message, back to back and
 * with the processes left idle for 1 ms between trips (as at the bench's 5 % load). The
 * cross-instance hop cannot add less than that trip.
 */
async function redisFloor(samples) {
  const { createClient } = await import('redis');
  const client = createClient({ url: REDIS_URL });
  const subscriber = client.duplicate();
  await Promise.all([client.connect(), subscriber.connect()]);
  const channel = `bench-floor-${process.pid}`;
  let delivered;
  await subscriber.subscribe(channel, () => delivered());
  const sha = await client.scriptLoad("return redis.call('PUBLISH', KEYS[1], ARGV[1])");
  const time = async (send, gapMs) => {
    const ms = [];
    for (let i = 0; i < samples; i += 1) {
      if (gapMs > 0) {
        await sleep(gapMs);
      }
      const started = performance.now();
      await send();
      ms.push(performance.now() - started);
    }
    ms.sort((a, b) => a - b);
    return { p50: +percentile(ms, 0.5).toFixed(3), p99: +percentile(ms, 0.99).toFixed(3) };
  };
  const trip = () =>
    new Promise((resolve) => {
      delivered = resolve;
      void client.evalSha(sha, { keys: [channel], arguments: ['x'] });
    });
  try {
    return {
      samples,
      pingRoundTripMs: await time(() => client.ping(), 0),
      scriptPublishToSubscriberMs: await time(trip, 0),
      scriptPublishToSubscriberIdleMs: await time(trip, 1),
    };
  } finally {
    await Promise.all([client.close(), subscriber.close()]);
  }
}

/** V8's young generation as shipped, and two smaller ones (node --max-semi-space-size, MiB). */
const SEMI_SPACES = [undefined, 4, 1];
const YOUNG_ROUNDS = 3;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Per setting, the median of each figure over its runs. */
function youngGenerationMedians(runs) {
  return [...new Set(runs.map((run) => run.semiSpace))].map((semiSpace) => {
    const mine = runs.filter((run) => run.semiSpace === semiSpace);
    const of = (key) => median(mine.map((run) => run[key]));
    return {
      semiSpace,
      baselineRssBytes: of('baselineRssBytes'),
      cpuMicrosecondsPerMessage: of('cpuMicrosecondsPerMessage'),
      p50: of('p50'),
      p99: of('p99'),
      p99Range: [Math.min(...mine.map((run) => run.p99)), Math.max(...mine.map((run) => run.p99))],
    };
  });
}

/**
 * The baseline RSS against the relay's cost and tail latency: V8 grows its young generation (up
 * to 16 MiB a semi-space) during start-up and keeps it. A smaller one saves memory and costs
 * more frequent scavenges that promote more. Each setting runs YOUNG_ROUNDS times, alternating,
 * without the profiler; a warm-up at 20 % load comes before the measured window at 50 %.
 */
async function youngGenerationTrade(config, rates) {
  const runs = [];
  for (let round = 0; round < YOUNG_ROUNDS; round += 1) {
    for (const semiSpace of SEMI_SPACES) {
      const nodeArgs = semiSpace ? [`--max-semi-space-size=${semiSpace}`] : [];
      const server = await SERVERS.dialtone.start({ nodeArgs });
      const loadgen = await LoadGenerator.start();
      try {
        await sleep(3000);
        const baselineRssBytes = rssBytes(server.pids[0]);
        await openCalls(server, loadgen, config.pairs);
        await loadgen.run('relay', { group: 'pairs', rate: rates[1], seconds: config.seconds });
        const before = cpuSeconds(server.pids[0]);
        const relay = await loadgen.run('relay', {
          group: 'pairs',
          rate: rates[2],
          seconds: config.seconds,
        });
        const cpu = cpuSeconds(server.pids[0]) - before;
        runs.push({
          semiSpace: semiSpace ?? 'default',
          baselineRssBytes,
          cpuMicrosecondsPerMessage: +((cpu * 1e6) / relay.received).toFixed(1),
          p50: relay.latencyMs.p50,
          p99: relay.latencyMs.p99,
        });
      } finally {
        await loadgen.stop();
        await server.stop();
      }
    }
  }
  return runs;
}

const TITLES = {
  relay: 'Relaying in one process (CPU per message at 50 % load)',
  storm: 'The reconnect storm',
  redisRelay: 'Relaying through Redis (the cross-instance hop)',
};

function windowSection(name, window) {
  const r = window.result;
  const figures =
    name === 'storm'
      ? `${r.reconnected} reconnected in ${Math.round(r.ms)} ms (${r.errors} errors)`
      : `p50 ${r.latencyMs?.p50} ms, p99 ${r.latencyMs?.p99} ms`;
  return [
    `## ${TITLES[name]}`,
    '',
    `${window.what} Server CPU in the window: ${r.serverCpuShare} of a core; ${figures}. Shares are of the busy time (${window.cpu.busyMs} ms; the event loop was idle ${window.cpu.idlePercent} % of the window).`,
    '',
    '| Module | Self time (%) |',
    '| --- | --- |',
    ...window.cpu.modules.slice(0, 12).map((m) => `| ${m.name} | ${m.percent} |`),
    '',
    '| Function | Module | Self time (%) |',
    '| --- | --- | --- |',
    ...window.cpu.functions
      .slice(0, 20)
      .map((f) => `| \`${f.name.replace(/\|/g, '\\|')}\` | ${f.module} | ${f.percent} |`),
    '',
  ];
}

function markdown(raw) {
  const floor = raw.redisFloor;
  const lines = [
    '# Where Dialtone spends its CPU and memory (bench:peers profile)',
    '',
    '<!-- Generated by bench/peers/profile.mjs (BENCH_PROFILE=1 npm run bench:peers); do not edit. -->',
    '',
    `Measured ${raw.date}, load average ${raw.loadAverage.join(' / ')}. Each window below is a V8 CPU profile (200 µs sampling) of the server processes pinned to core 0, covering the measured window only; the load generator runs on core 1. \`(V8 / native)\`: built-ins and C++ without a script, such as socket writes and the JWT's HMAC.`,
    '',
    ...Object.entries(raw.windows).flatMap(([name, window]) => windowSection(name, window)),
    '## One trip through Redis on this machine',
    '',
    `Measured from Node with the instances' client (node-redis), ${floor.samples} sequential samples each: a command's round trip (PING) p50 ${floor.pingRoundTripMs.p50} ms (p99 ${floor.pingRoundTripMs.p99}); an EVALSHA whose script PUBLISHes (as a relay's does) until a subscriber on another connection has the message: p50 ${floor.scriptPublishToSubscriberMs.p50} ms back to back, ${floor.scriptPublishToSubscriberIdleMs.p50} ms (p99 ${floor.scriptPublishToSubscriberIdleMs.p99}) with the processes idle for 1 ms between trips, as at the 5 % load. A cross-instance relay makes this trip and does the work of two instances besides, so it cannot add less.`,
    '',
    '## Baseline memory against tail latency (the young generation)',
    '',
    `One Dialtone process started with each \`--max-semi-space-size\` (MiB; default: V8's own, up to 16), its RSS read 3 s after start, then ${raw.youngGenerationSeconds} s relaying at 20 % load to warm up and ${raw.youngGenerationSeconds} s at ${raw.youngGenerationRate} messages/s (50 % load) over ${raw.youngGenerationPairs} calls, measured; no profiler. Medians of ${YOUNG_ROUNDS} runs each, alternating (p99: lowest–highest run in brackets).`,
    '',
    '| Semi-space | Baseline RSS (MiB) | CPU / msg (µs) | p50 (ms) | p99 (ms) |',
    '| --- | --- | --- | --- | --- |',
    ...youngGenerationMedians(raw.youngGeneration).map(
      (row) =>
        `| ${row.semiSpace} | ${mib(row.baselineRssBytes)} | ${row.cpuMicrosecondsPerMessage} | ${row.p50} | ${row.p99} (${row.p99Range.join('–')}) |`,
    ),
    '',
    '## What each dependency adds to RSS at import',
    '',
    `A fresh \`node\` (after a full GC) has ${mib(raw.memory.bareNodeRssBytes)} MiB RSS; each row is one fresh process importing only that (shared dependencies count in every row they appear in, so rows do not add up). Dialtone's baseline RSS after start in the bench: ${raw.baselineRssBytes ? `${mib(raw.baselineRssBytes)} MiB` : '—'}.`,
    '',
    '| Import | Adds (MiB) |',
    '| --- | --- |',
    ...raw.memory.imports.map((i) => `| ${i.name} | ${mib(i.addedRssBytes)} |`),
    '',
  ];
  return lines.join('\n');
}

/** BENCH_PROFILE_WINDOWS (comma list of relay,storm,redisRelay) profiles only those. */
const CHOSEN = (process.env.BENCH_PROFILE_WINDOWS ?? Object.keys(WINDOWS).join(',')).split(',');

export async function profileDialtone(result) {
  const windows = {};
  for (const name of CHOSEN) {
    const window = WINDOWS[name](result.config, result.rates);
    console.log(`profiling: ${window.what}`);
    const { result: measured, profiles } = await profiled(
      window.kind,
      window.prepare,
      window.measure,
    );
    windows[name] = { what: window.what, result: measured, cpu: aggregate(profiles) };
  }
  const raw = {
    date: new Date().toISOString(),
    loadAverage: (await import('node:os')).loadavg().map((x) => +x.toFixed(2)),
    windows,
    redisFloor: await redisFloor(2000),
    youngGenerationRate: result.rates[2],
    youngGenerationSeconds: result.config.seconds,
    youngGenerationPairs: result.config.pairs,
    youngGeneration: await youngGenerationTrade(result.config, result.rates),
    baselineRssBytes: result.median.dialtone?.baselineRssBytes,
    memory: importCosts(),
  };
  writeFileSync(RAW, `${JSON.stringify(raw, null, 2)}\n`);
  const options = (await prettier.resolveConfig(MARKDOWN)) ?? {};
  writeFileSync(MARKDOWN, await prettier.format(markdown(raw), { ...options, parser: 'markdown' }));
  console.log(`wrote ${MARKDOWN} and ${RAW}`);
  return raw;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await profileDialtone(JSON.parse(readFileSync('bench/results/peers.json', 'utf8')));
}
