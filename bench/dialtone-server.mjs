// The server the benches measure: `node dist/main.js` as a child process (so that the clients'
// work does not count as the server's), on a free port and a fresh data folder, in production
// mode. Shared by bench/resume.mjs, bench/privacy-timing.mjs and bench/soak.mjs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function freePort() {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the server with `env` on top of the bench defaults and resolves once it listens. Benches
 * register many accounts from one address, so the account request budgets are raised; what else a
 * bench raises, it says why. `nodeOptions` go to node before the script (e.g. `--inspect`).
 */
export async function startDialtone(env = {}, nodeOptions = []) {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeOptions, 'dist/main.js'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'dialtone-bench-')),
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-only-' + 'x'.repeat(40),
      AUTH_RATE_PER_ADDRESS: '100000',
      AUTH_RATE_GLOBAL: '100000',
      ...env,
    },
    stdio: 'pipe',
  });
  let inspectorUrl;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start')), 30_000);
    const check = (chunk) => {
      inspectorUrl ??= /Debugger listening on (ws:\/\/\S+)/.exec(chunk.toString())?.[1];
      if (/Dialtone listening on/.test(chunk.toString())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  return { child, port, base: `http://127.0.0.1:${port}`, inspectorUrl };
}

/** Registers `username` and logs in: resolves to its access token (throws if the login fails). */
export async function accessToken(base, username, password = 'bench password') {
  const body = JSON.stringify({ username, password });
  const headers = { 'content-type': 'application/json' };
  await fetch(`${base}/auth/register`, { method: 'POST', headers, body });
  const response = await fetch(`${base}/auth/login`, { method: 'POST', headers, body });
  if (!response.ok) {
    throw new Error(`login of ${username}: ${response.status} ${await response.text()}`);
  }
  return (await response.json()).accessToken;
}

/** The resident set size of process `pid`, in bytes, from /proc. */
export function rssBytes(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Number(line[1]) * 1024;
}
