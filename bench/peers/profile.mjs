// Where Dialtone's cost is, for the targets bench:peers finds unmet (BENCH_PROFILE=1, the default
// of a full run): a V8 CPU profile of one Dialtone process relaying at 50 % of the reference
// saturation, aggregated by self time per module and per function, and what each major
// dependency adds to RSS when imported into a fresh process. Writes bench/peers/profile.md and
// bench/results/peers-profile.json; `node bench/peers/profile.mjs` runs it alone.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import * as prettier from 'prettier';
import { cpuSeconds } from '../lib/processes.mjs';
import { LoadGenerator } from './load-generator.mjs';
import { SERVERS } from './servers.mjs';

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
 * Self time per profile node: the sum of the sampling intervals that ended in it. Shares are of
 * the busy time: (idle), the event loop waiting, is left out and reported on its own.
 */
export function aggregate(profile) {
  const self = new Map();
  profile.samples.forEach((id, i) =>
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const idleIds = new Set(
    profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
  );
  const all = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...idleIds].reduce((sum, id) => sum + (self.get(id) ?? 0), 0);
  const total = all - idle;
  const modules = new Map();
  const functions = new Map();
  for (const node of profile.nodes) {
    const time = self.get(node.id) ?? 0;
    if (!time || idleIds.has(node.id)) {
      continue;
    }
    const { functionName, url, lineNumber } = node.callFrame;
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

/** Runs Dialtone under the profiler hook at `rate` messages a second; resolves with the profile. */
async function cpuProfile(rate, seconds, pairs) {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-profile-'));
  const file = join(dir, 'relay.cpuprofile');
  const server = await SERVERS.dialtone.start({
    nodeArgs: ['--import', './bench/peers/cpu-profile-hook.mjs'],
    env: { BENCH_CPU_PROFILE: file },
  });
  const loadgen = await LoadGenerator.start();
  try {
    const users = (await server.accounts(pairs * 2, 'p')).map((user) => ({ ...user, target: 0 }));
    await loadgen.run('open', {
      group: 'pairs',
      kind: 'dialtone',
      urls: server.urls,
      users,
      window: 200,
    });
    await loadgen.run('call', { group: 'pairs' });
    await sleep(1000);
    const [pid] = server.pids;
    process.kill(pid, 'SIGUSR2');
    const before = cpuSeconds(pid);
    const started = performance.now();
    const relay = await loadgen.run('relay', { group: 'pairs', rate, seconds });
    relay.serverCpuShare = +(
      (cpuSeconds(pid) - before) /
      ((performance.now() - started) / 1000)
    ).toFixed(3);
    process.kill(pid, 'SIGUSR2');
    for (let i = 0; i < 100 && !existsSync(file); i += 1) {
      await sleep(100);
    }
    return { relay, profile: JSON.parse(readFileSync(file, 'utf8')) };
  } finally {
    await loadgen.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

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

function markdown(raw) {
  const lines = [
    '# Where Dialtone spends its CPU and memory (bench:peers profile)',
    '',
    '<!-- Generated by bench/peers/profile.mjs (BENCH_PROFILE=1 npm run bench:peers); do not edit. -->',
    '',
    `Measured ${raw.date}, load average ${raw.loadAverage.join(' / ')}. One Dialtone process pinned to core 0, relaying \`_ice\` at ${raw.rate} messages/s (50 % of the bench's reference saturation) for ${raw.seconds} s over ${raw.pairs} calls; V8 CPU profile of that window only (200 µs sampling). Server CPU in the window: ${raw.relay.serverCpuShare ?? '—'} of a core; p50 ${raw.relay.latencyMs?.p50} ms, p99 ${raw.relay.latencyMs?.p99} ms.`,
    '',
    '## Self time by module',
    '',
    `Shares of the busy time (${raw.cpu.busyMs} ms; the event loop was idle ${raw.cpu.idlePercent} % of the window). \`(V8 / native)\`: built-ins and C++ without a script, such as the socket writes.`,
    '',
    '| Module | Self time (%) |',
    '| --- | --- |',
    ...raw.cpu.modules.slice(0, 20).map((m) => `| ${m.name} | ${m.percent} |`),
    '',
    '## Top functions by self time',
    '',
    '| Function | Module | Self time (%) |',
    '| --- | --- | --- |',
    ...raw.cpu.functions.map(
      (f) => `| \`${f.name.replace(/\|/g, '\\|')}\` | ${f.module} | ${f.percent} |`,
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

export async function profileDialtone(result) {
  const rate = result.rates[result.config.loads.indexOf(0.5)];
  const seconds = Math.max(5, result.config.seconds);
  const pairs = result.config.pairs;
  console.log(`profiling Dialtone at ${rate} msgs/s`);
  const { relay, profile } = await cpuProfile(rate, seconds, pairs);
  const raw = {
    date: new Date().toISOString(),
    loadAverage: (await import('node:os')).loadavg().map((x) => +x.toFixed(2)),
    rate,
    seconds,
    pairs,
    relay,
    baselineRssBytes: result.median.dialtone?.baselineRssBytes,
    cpu: aggregate(profile),
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
