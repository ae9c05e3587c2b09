import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config/paths.js';
import { vapidEnv } from './vapid.js';

const MAIN = join(PROJECT_ROOT, 'dist', 'main.js');

/** `node dist/main.js` as a deployment runs it, for suites that watch the process itself. */
export interface ServerProcess {
  server: ChildProcess;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** Resolves when the process exits, however it ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** False once the process has exited. */
  alive(): boolean;
  /** Resident memory of the server process (Linux /proc), in bytes. */
  rssBytes(): number;
  /** Everything the server wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, waits for the exit, removes the data folder. */
  stop(): Promise<void>;
}

/**
 * Starts the built server in production mode on a free loopback port, with a fresh data folder;
 * `env` adds or overrides variables; `fileLimit` runs it under that `ulimit -n`. Resolves once it
 * says where it listens.
 */
export async function startServerProcess(
  env: Record<string, string> = {},
  options: { fileLimit?: number } = {},
): Promise<ServerProcess> {
  assert.ok(existsSync(MAIN), `${MAIN} is missing: run "npm run build" first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'dialtone-process-'));
  // `ulimit -n` for the server alone: bash sets it, then becomes node.
  const [command, args] =
    options.fileLimit === undefined
      ? [process.execPath, [MAIN]]
      : [
          'bash',
          ['-c', `ulimit -n ${options.fileLimit} && exec "$0" "$1"`, process.execPath, MAIN],
        ];
  const server = spawn(command, args, {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      JWT_SECRET: 'server-process-test-'.padEnd(48, '7'),
      ...vapidEnv(),
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exitStatus: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    server.once('exit', (code, signal) => {
      exitStatus = { code, signal };
      resolve(exitStatus);
    }),
  );
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start')), 20_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve(listening[1]);
      }
    };
    server.stdout?.on('data', read);
    server.stderr?.on('data', read);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}: ${output}`));
    });
  });
  return {
    server,
    baseUrl,
    exited,
    alive: () => exitStatus === undefined,
    rssBytes: () => {
      const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
      const kib = /^VmRSS:\s+(\d+) kB/m.exec(status);
      assert.ok(kib, 'VmRSS missing from /proc/<pid>/status');
      return Number(kib[1]) * 1024;
    },
    output: () => output,
    stop: async () => {
      if (exitStatus === undefined) {
        server.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Server processes sharing one environment (one database, one Redis): the instances of a
 * scale-out suite, started as it needs them and stopped together.
 */
export class ServerFleet {
  /** Set once the suite's database and Redis are up, before the first start. */
  env: Record<string, string> = {};
  private readonly running: ServerProcess[] = [];

  async start(overrides: Record<string, string> = {}): Promise<ServerProcess> {
    const started = await startServerProcess({ ...this.env, ...overrides });
    this.running.push(started);
    return started;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.running.map((server) => server.stop()));
  }
}
