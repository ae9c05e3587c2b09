// The benches' child processes: what they cost (/proc), where they run (taskset), how many files
// they may open (ulimit), and that none outlives the bench, even on an error or Ctrl-C.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const children = new Set();

export function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** User + system CPU seconds a process has used so far. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

export function rssBytes(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Number(line[1]) * 1024;
}

/** The most files a child may open: the hard limit, which an unprivileged shell cannot raise. */
export function hardFileLimit() {
  return Number(execFileSync('bash', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim());
}

/**
 * Starts `node args` with the soft file limit raised to the hard one and, given `core`, pinned to
 * that CPU. Through `exec`, the pid is node's own, so /proc readings are the server's alone.
 * Resolves once a line of its output matches `ready`. `ipc` opens a message channel (the load
 * generator's).
 */
export async function startNode(args, { env = {}, ready, core, ipc = false, name = args[0] }) {
  const pin = core === undefined ? '' : `taskset -c ${core} `;
  const command = `ulimit -n "$(ulimit -Hn)" && exec ${pin}"${process.execPath}" "$@"`;
  const child = spawn('bash', ['-c', command, 'bench', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc'] : [])],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output}`)), 60_000);
    const check = (chunk) => {
      output = (output + chunk.toString()).slice(-4000);
      if (ready && ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output}`));
    });
    if (!ready) {
      clearTimeout(timer);
      resolve();
    }
  });
  // Keep draining the pipes (a full pipe would stall the child); show what it says on stderr.
  child.stdout.resume();
  child.stderr.on('data', (chunk) => {
    if (process.env.BENCH_VERBOSE) {
      process.stderr.write(`[${name}] ${chunk}`);
    }
  });
  return child;
}

/** Stops a child and waits until it is gone (SIGKILL after `graceMs`). */
export function stop(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function killAll() {
  for (const child of children) {
    child.kill('SIGKILL');
  }
}

const cleanups = new Set();

/** Runs `task` if the bench is interrupted (temporary databases, files); returns its remover. */
export function onInterrupt(task) {
  cleanups.add(task);
  return () => cleanups.delete(task);
}

process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    console.error(`\n${signal}: stopping the servers and cleaning up`);
    killAll();
    const deadline = new Promise((resolve) => setTimeout(resolve, 5000));
    await Promise.race([Promise.allSettled([...cleanups].map((task) => task())), deadline]);
    process.exit(130);
  });
}
