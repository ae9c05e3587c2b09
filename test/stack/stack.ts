// Native stand-in for docker-compose.yml: runs the setup step (node dist/setup/main.js, the
// compose `setup` service) into a temp folder standing for the setup volume, then starts coturn,
// Caddy and the app from the files it generated and the same deploy/ files the containers use,
// bound to loopback or to network namespaces this module creates itself, and tears everything
// down again.
//
//   setup   finds the host's address itself in 'netns' mode (a route table naming our veth as the
//           default route, DIALTONE_ROUTE_TABLE); DIALTONE_HOST=127.0.0.1 in 'loopback' mode.
//           Generates the secrets and the root CA Caddy issues from, and the env files below.
//   coturn  deploy/with-env.sh coturn/coturn.env deploy/coturn-entrypoint.sh (the compose
//           service's entrypoint), plus test-only flags on the command line: listening and relay
//           address, ports, a temp user DB, --allow-loopback-peers in loopback mode. It relays on
//           an address of its own beside the host (compose: the container's), which the LAN range
//           the setup step allows contains, unlike the host itself.
//   Caddy   deploy/Caddyfile with --envfile caddy/caddy.env (host, ports, the root CA), plus
//           DIALTONE_BIND / DIALTONE_UPSTREAM / DIALTONE_CADDY_ADMIN, HOME and XDG_* in a temp dir;
//           clients trust the setup step's root (Node: `ca`, Chromium: an NSS DB).
//   app     deploy/with-env.sh app/app.env node dist/main.js, NODE_ENV=production, a fresh
//           PostgreSQL database on 127.0.0.1:5432, TRUST_PROXY=loopback.
//   network 'loopback': everything on 127.0.0.1. 'netns': a veth pair into a namespace of our
//           own; coturn and Caddy listen on 10.99.N.1, Chromium runs inside the namespace
//           (10.99.N.2) and reaches nothing else.
import { turnCredential, type TurnCredential } from '../../src/turn/turn-credentials.js';
import { chromium, type Browser } from 'playwright-core';
import { type Account, CallPageDriver } from '../browser/call-page-driver.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../browser/chromium.js';
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { connect, type DetailedPeerCertificate } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/config/paths.js';

export const REPO_ROOT = PROJECT_ROOT;
export const DEPLOY_DIR = join(REPO_ROOT, 'deploy');

export const BIN = {
  caddy: '/usr/bin/caddy',
  turnserver: '/usr/bin/turnserver',
  uclient: '/usr/bin/turnutils_uclient',
  peer: '/usr/bin/turnutils_peer',
  chromium: CHROMIUM_PATH,
  certutil: '/usr/bin/certutil',
  ip: '/usr/sbin/ip',
  psql: '/usr/bin/psql',
  sh: '/bin/sh',
} as const;

const APT_HINT: Record<string, string> = {
  caddy: 'apt-get install -y caddy',
  turnserver: 'apt-get install -y coturn',
  turnutils_uclient: 'apt-get install -y coturn',
  turnutils_peer: 'apt-get install -y coturn',
  chromium: 'apt-get install -y chromium',
  certutil: 'apt-get install -y libnss3-tools',
  ip: 'apt-get install -y iproute2',
  psql: 'apt-get install -y postgresql-client',
};

/** Throws (never skips) when a binary the stack test needs is missing. */
export function requireExecutable(path: string): string {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    const name = path.slice(path.lastIndexOf('/') + 1);
    throw new Error(
      `${path} is missing: ${APT_HINT[name] ?? 'install it'} (the stack tests need it)`,
    );
  }
  return path;
}

// ---------------------------------------------------------------------------------------------
// small utilities

const tempDirs = new Set<string>();

/** A fresh directory under the OS temp dir, removed at the latest when the process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `dialtone-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined> | T | undefined,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await sleep(intervalMs);
  }
}

/** A TCP port that was free on `host` a moment ago. */
export function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function udpPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
}

/** A free UDP port followed by `count - 1` more free ones (for coturn's relay range). */
export async function freeUdpRange(host: string, count: number): Promise<[number, number]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20000 + Math.floor(Math.random() * 20000);
    let free = true;
    for (let port = first; port < first + count && free; port++) {
      free = await udpPortFree(host, port);
    }
    if (free) {
      return [first, first + count - 1];
    }
  }
  throw new Error(`no free UDP range of ${count} ports on ${host}`);
}

export function run(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 16 << 20,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function runChecked(file: string, args: readonly string[], env?: NodeJS.ProcessEnv) {
  const result = await run(file, args, { env });
  if (result.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// processes

export interface Managed {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr, capped at 4 MiB). */
  output(): string;
  /** Resolves once `pattern` appears in the output; throws after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

// Safety net for a test run that dies without its after() hooks: kill what is still running.
const liveGroups = new Set<number>();
const liveNamespaces = new Set<string>();
process.once('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of tempDirs) {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const name of liveNamespaces) {
    try {
      // Deleting the namespace deletes its end of the veth pair, and with it ours.
      execFileSync(BIN.ip, ['netns', 'del', name], { stdio: 'ignore', timeout: 5_000 });
    } catch {
      // already gone
    }
  }
});

export function startProcess(
  name: string,
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd = REPO_ROOT,
): Managed {
  // detached: its own process group, so stop() also reaches anything it forks.
  const child = spawn(file, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const append = (chunk: Buffer) => {
    if (text.length < 4 << 20) {
      text += chunk.toString('utf8');
    }
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
  });
  if (child.pid !== undefined) {
    liveGroups.add(child.pid);
  }
  const exited = new Promise<void>((resolve) => {
    const done = () => {
      if (child.pid !== undefined) {
        liveGroups.delete(child.pid);
      }
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) {
      done();
    } else {
      child.once('exit', done);
      // A process that could not be spawned emits 'error' and never 'exit'.
      child.once('error', () => {
        if (child.pid === undefined) {
          done();
        }
      });
    }
  });
  const signal = (sig: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  return {
    name,
    child,
    output: () => text,
    async waitForOutput(pattern, timeoutMs) {
      return waitFor(`${name} to print ${String(pattern)}`, timeoutMs, () => {
        if (spawnError !== undefined) {
          throw spawnError;
        }
        const match = text.match(pattern);
        if (match !== null) {
          return match;
        }
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${text}`);
        }
        return undefined;
      });
    },
    async stop(graceMs = 5_000) {
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs cleanup steps in reverse order of registration; collects and rethrows failures. */
export class Teardown {
  private readonly steps: { what: string; step: () => Promise<void> | void }[] = [];

  add(what: string, step: () => Promise<void> | void): void {
    this.steps.push({ what, step });
  }

  async run(): Promise<void> {
    const failures: string[] = [];
    while (this.steps.length > 0) {
      const { what, step } = this.steps.pop()!;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          step(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error('took longer than 20 s')), 20_000);
          }),
        ]);
      } catch (error) {
        failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        clearTimeout(timer);
      }
    }
    if (failures.length > 0) {
      throw new Error(`teardown failed:\n${failures.join('\n')}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP(S) client that trusts exactly the CA it is given

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpOptions {
  /** PEM of the only CA an https:// request trusts (Caddy's root). */
  ca?: string;
  headers?: Record<string, string>;
  /** Sent as JSON (content-type application/json). */
  json?: unknown;
  timeoutMs?: number;
}

export function httpCall(
  method: string,
  url: string,
  options: HttpOptions = {},
): Promise<HttpResult> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  const headers = {
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method,
        headers,
        timeout: options.timeoutMs ?? 5_000,
        ...(target.protocol === 'https:' ? { ca: options.ca, rejectUnauthorized: true } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

export function httpGet(url: string, options: HttpOptions = {}): Promise<HttpResult> {
  return httpCall('GET', url, options);
}

/**
 * The certificate chain a TLS server presents, trusting only `ca`. No servername: like a browser
 * opening https://<IP>/, the handshake carries no SNI.
 */
export function peerCertificate(
  host: string,
  port: number,
  ca: string,
): Promise<DetailedPeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, ca, rejectUnauthorized: true, timeout: 5_000 }, () => {
      const cert = socket.getPeerCertificate(true);
      socket.end();
      resolve(cert);
    });
    socket.on('timeout', () => socket.destroy(new Error('TLS handshake timed out')));
    socket.on('error', reject);
  });
}

/** One STUN Binding request over UDP; resolves true when a Binding success response arrives. */
export function stunBinding(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const transaction = randomBytes(12);
    const request = Buffer.concat([
      Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]),
      transaction,
    ]);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('error', () => finish(false));
    socket.on('message', (msg) => {
      finish(
        msg.length >= 20 &&
          msg.readUInt16BE(0) === 0x0101 &&
          msg.subarray(8, 20).equals(transaction),
      );
    });
    socket.send(request, port, host);
  });
}

// ---------------------------------------------------------------------------------------------
// the setup step

export interface SetupStep {
  /** The temp folder standing for the setup volume. */
  dir: string;
  /** What the setup step printed (its log lines). */
  output: string;
  host: string;
  httpPort: number;
  httpsPort: number;
  turnPort: number;
  /** Env files, parsed: app/app.env, coturn/coturn.env, caddy/caddy.env. */
  env: Record<'app' | 'coturn' | 'caddy', Record<string, string>>;
  envFile: Record<'app' | 'coturn' | 'caddy', string>;
  /** The root CA the setup step generated, which Caddy issues from. */
  rootCaPath: string;
  rootCa: string;
  /** The generated TURN secret (coturn's and the app's copies hold it). */
  turnSecret: string;
}

export interface SetupStepOptions {
  /** Where everything listens. */
  host: string;
  /**
   * Find `host` the way compose does, from a route table naming this interface (which carries
   * `host`) as the default route; otherwise DIALTONE_HOST=host is given explicitly.
   */
  detectVia?: string;
  /** TURN_EXTERNAL_IP, as .env would set it: the address coturn announces in relay candidates. */
  turnExternalIp?: string;
  httpPort?: number;
  httpsPort?: number;
  turnPort?: number;
}

export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match !== null) {
      values[match[1]] = match[2];
    }
  }
  return values;
}

/** Runs `node dist/setup/main.js` (build first) into a fresh temp folder, as the compose service. */
export async function runSetupStep(options: SetupStepOptions): Promise<SetupStep> {
  const entry = join(REPO_ROOT, 'dist', 'setup', 'main.js');
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: run npm run build first`);
  }
  const dir = tempDir('setup');
  const httpPort = options.httpPort ?? (await freeTcpPort(options.host));
  const httpsPort = options.httpsPort ?? (await freeTcpPort(options.host));
  const turnPort = options.turnPort ?? (await freeTcpPort(options.host));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    SETUP_DIR: join(dir, 'volume'),
    DIALTONE_CADDY_CA_DIR: join(dir, 'no-caddy-data'),
    DIALTONE_HTTP_PORT: String(httpPort),
    DIALTONE_HTTPS_PORT: String(httpsPort),
    DIALTONE_TURN_PORT: String(turnPort),
    ...(options.turnExternalIp === undefined ? {} : { TURN_EXTERNAL_IP: options.turnExternalIp }),
  };
  if (options.detectVia !== undefined) {
    const routes = join(dir, 'route');
    writeFileSync(
      routes,
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
        `${options.detectVia}\t00000000\t00000000\t0003\t0\t0\t0\t00000000\t0\t0\t0\n`,
    );
    env.DIALTONE_ROUTE_TABLE = routes;
  } else {
    env.DIALTONE_HOST = options.host;
  }
  const result = await run(process.execPath, [entry], { env });
  if (result.code !== 0) {
    throw new Error(`the setup step failed (${result.code}):\n${result.stdout}${result.stderr}`);
  }
  const volume = join(dir, 'volume');
  const envFile = {
    app: join(volume, 'app', 'app.env'),
    coturn: join(volume, 'coturn', 'coturn.env'),
    caddy: join(volume, 'caddy', 'caddy.env'),
  };
  const parsed = {
    app: parseEnvFile(readFileSync(envFile.app, 'utf8')),
    coturn: parseEnvFile(readFileSync(envFile.coturn, 'utf8')),
    caddy: parseEnvFile(readFileSync(envFile.caddy, 'utf8')),
  };
  if (parsed.caddy.DIALTONE_HOST !== options.host) {
    throw new Error(`the setup step chose ${parsed.caddy.DIALTONE_HOST}, not ${options.host}`);
  }
  return {
    dir: volume,
    output: result.stdout + result.stderr,
    host: options.host,
    httpPort,
    httpsPort,
    turnPort,
    env: parsed,
    envFile,
    rootCaPath: parsed.caddy.DIALTONE_CA_CERT,
    rootCa: readFileSync(parsed.caddy.DIALTONE_CA_CERT, 'utf8'),
    turnSecret: readFileSync(parsed.coturn.TURN_SECRET_FILE, 'utf8'),
  };
}

// ---------------------------------------------------------------------------------------------
// coturn

export interface CoturnOptions {
  /** Address coturn listens on (127.0.0.1, or the namespace address). */
  host: string;
  /** Address it relays on (default: `host`). */
  relayIp?: string;
  /** The setup step's files: TURN_* come from its coturn.env, as in compose. */
  setup?: SetupStep;
  secret?: string;
  realm?: string;
  /** TURN_ALLOWED_PEER_IPS: addresses/ranges re-allowed past the deny list (the LAN mechanism). */
  allowedPeerIps?: string[];
  /** Test-only: --allow-loopback-peers (needed when relay addresses are 127.0.0.1). */
  allowLoopbackPeers?: boolean;
  relayPorts?: number;
}

export interface Coturn {
  host: string;
  /** The address of relay candidates. */
  relayIp: string;
  port: number;
  relayRange: [number, number];
  secret: string;
  configPath: string;
  process: Managed;
  /** turn:HOST:PORT?transport=udp */
  url: string;
  mint(userId: string, ttlSeconds?: number): TurnCredential;
  stop(): Promise<void>;
}

export async function startCoturn(options: CoturnOptions): Promise<Coturn> {
  requireExecutable(BIN.turnserver);
  requireExecutable(BIN.sh);
  const dir = tempDir('coturn');
  const port = options.setup?.turnPort ?? (await freeTcpPort(options.host));
  const relayIp = options.relayIp ?? options.host;
  const relayRange = await freeUdpRange(relayIp, options.relayPorts ?? 21);
  const configPath = join(dir, 'turnserver.conf');
  const secret = options.setup?.turnSecret ?? options.secret;
  if (secret === undefined) {
    throw new Error('startCoturn: give `setup` or `secret`');
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...(options.setup === undefined
      ? {
          TURN_SECRET: secret,
          TURN_REALM: options.realm ?? options.host,
          TURN_ALLOWED_PEER_IPS: (options.allowedPeerIps ?? []).join(','),
        }
      : {}),
    TURNSERVER_TEMPLATE: join(DEPLOY_DIR, 'turnserver.conf'),
    TURNSERVER_CONFIG: configPath,
    TURNSERVER_BIN: BIN.turnserver,
  };
  const args = [
    // As compose runs it: with-env.sh exports the setup step's coturn.env first.
    ...(options.setup === undefined
      ? []
      : [join(DEPLOY_DIR, 'with-env.sh'), options.setup.envFile.coturn, BIN.sh]),
    join(DEPLOY_DIR, 'coturn-entrypoint.sh'),
    `--listening-ip=${options.host}`,
    `--relay-ip=${relayIp}`,
    `--listening-port=${port}`,
    `--min-port=${relayRange[0]}`,
    `--max-port=${relayRange[1]}`,
    `--userdb=${join(dir, 'turndb')}`,
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    '--no-tcp',
    '--verbose',
    ...(options.allowLoopbackPeers === true ? ['--allow-loopback-peers'] : []),
  ];
  const proc = startProcess('coturn', BIN.sh, args, env);
  const stop = async () => {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('coturn to answer a STUN Binding request', 15_000, async () => {
      if (proc.child.exitCode !== null) {
        throw new Error(`coturn exited (${proc.child.exitCode}):\n${proc.output()}`);
      }
      return (await stunBinding(options.host, port, 300)) ? true : undefined;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    host: options.host,
    relayIp,
    port,
    relayRange,
    secret,
    configPath,
    process: proc,
    url: `turn:${options.host}:${port}?transport=udp`,
    mint: (userId, ttlSeconds = 600) => turnCredential(secret, userId, ttlSeconds, Date.now()),
    stop,
  };
}

// ---------------------------------------------------------------------------------------------
// Caddy

export interface CaddyOptions {
  /** DIALTONE_HOST: the name or IP clients open. */
  host: string;
  /** DIALTONE_BIND: the address Caddy listens on. */
  bind: string;
  /** DIALTONE_UPSTREAM: host:port of the app. */
  upstream: string;
  /** The setup step's files (host, ports, root CA); run here for `host` when not given. */
  setup?: SetupStep;
}

export interface Caddy {
  origin: string;
  httpOrigin: string;
  httpsPort: number;
  httpPort: number;
  /** host:port of Caddy's admin endpoint (DIALTONE_CADDY_ADMIN). */
  admin: string;
  /** PEM of the root CA Caddy issues from: the setup step's (Caddyfile `pki`). */
  rootCa: string;
  rootCaPath: string;
  process: Managed;
  stop(): Promise<void>;
}

export async function startCaddy(options: CaddyOptions): Promise<Caddy> {
  requireExecutable(BIN.caddy);
  const setup = options.setup ?? (await runSetupStep({ host: options.host }));
  const dir = tempDir('caddy');
  const { httpPort, httpsPort } = setup;
  const adminPort = await freeTcpPort('127.0.0.1');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    DIALTONE_BIND: options.bind,
    DIALTONE_UPSTREAM: options.upstream,
    DIALTONE_CADDY_ADMIN: `127.0.0.1:${adminPort}`,
  };
  const proc = startProcess(
    'caddy',
    BIN.caddy,
    [
      ...['run', '--config', join(DEPLOY_DIR, 'Caddyfile'), '--adapter', 'caddyfile'],
      // As compose runs it: the host, the ports and the root CA from the setup step.
      ...['--envfile', setup.envFile.caddy],
    ],
    env,
  );
  const stop = async () => {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const { rootCaPath, rootCa } = setup;
  const hostPart = options.host.includes(':') ? `[${options.host}]` : options.host;
  const origin = `https://${hostPart}:${httpsPort}`;
  try {
    // The site certificate is issued asynchronously; wait until a handshake that trusts only
    // this root succeeds (the upstream may still be down: any HTTP status will do).
    await waitFor('Caddy to serve HTTPS with a certificate from its local CA', 20_000, async () => {
      if (proc.child.exitCode !== null) {
        throw new Error(`caddy exited (${proc.child.exitCode}):\n${proc.output()}`);
      }
      await httpGet(`${origin}/`, { ca: rootCa, timeoutMs: 2_000 });
      return true;
    });
    return {
      origin,
      httpOrigin: `http://${hostPart}:${httpPort}`,
      httpsPort,
      httpPort,
      admin: `127.0.0.1:${adminPort}`,
      rootCa,
      rootCaPath,
      process: proc,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// network namespace for the browser

export interface BrowserNetns {
  name: string;
  /** Our end of the veth pair (root namespace): coturn and Caddy listen here. */
  hostAddress: string;
  /** The interface holding it, which the setup step finds as the default route's. */
  hostInterface: string;
  /** A second address on our end: coturn's relay address (10.99.N.3). */
  relayAddress: string;
  /** The browser's address inside the namespace. */
  browserAddress: string;
  destroy(): Promise<void>;
}

/**
 * Creates namespace dt-<id> with a veth pair: 10.99.N.1/24 in the root namespace, 10.99.N.2/24
 * inside. Only these addresses are used; the namespace has no route anywhere else.
 */
export async function createBrowserNetns(): Promise<BrowserNetns> {
  requireExecutable(BIN.ip);
  if (process.getuid?.() !== 0) {
    throw new Error('network namespaces need root (ip netns add)');
  }
  const id = randomBytes(3).toString('hex');
  const name = `dt-${id}`;
  const outside = `dtv${id}a`;
  const inside = `dtv${id}b`;
  const used = (await runChecked(BIN.ip, ['-4', '-o', 'addr', 'show'])).stdout;
  let subnet = 0;
  for (let n = 1 + Math.floor(Math.random() * 250); n < 255; n++) {
    if (!used.includes(`10.99.${n}.`)) {
      subnet = n;
      break;
    }
  }
  if (subnet === 0) {
    throw new Error('no free 10.99.N.0/24 subnet for the test namespace');
  }
  const hostAddress = `10.99.${subnet}.1`;
  const browserAddress = `10.99.${subnet}.2`;
  const relayAddress = `10.99.${subnet}.3`;
  const destroy = async () => {
    await run(BIN.ip, ['link', 'del', outside]);
    await run(BIN.ip, ['netns', 'del', name]);
    liveNamespaces.delete(name);
  };
  try {
    await runChecked(BIN.ip, ['netns', 'add', name]);
    liveNamespaces.add(name);
    // IPv4 only inside: an IPv6 link-local address appearing a second after the link comes up
    // (duplicate address detection) makes Chromium abort requests with ERR_NETWORK_CHANGED.
    for (const scope of ['all', 'default']) {
      await runChecked(BIN.ip, [
        ...['netns', 'exec', name, BIN.sh, '-c'],
        `echo 1 > /proc/sys/net/ipv6/conf/${scope}/disable_ipv6`,
      ]);
    }
    await runChecked(BIN.ip, ['link', 'add', outside, 'type', 'veth', 'peer', 'name', inside]);
    await runChecked(BIN.ip, ['link', 'set', inside, 'netns', name]);
    await runChecked(BIN.ip, ['addr', 'add', `${hostAddress}/24`, 'dev', outside]);
    await runChecked(BIN.ip, ['addr', 'add', `${relayAddress}/24`, 'dev', outside]);
    await runChecked(BIN.ip, ['link', 'set', outside, 'up']);
    await runChecked(BIN.ip, ['-n', name, 'addr', 'add', `${browserAddress}/24`, 'dev', inside]);
    await runChecked(BIN.ip, ['-n', name, 'link', 'set', inside, 'up']);
    await runChecked(BIN.ip, ['-n', name, 'link', 'set', 'lo', 'up']);
    // Let the links settle before anything starts watching them.
    await waitFor('the veth pair to come up', 5_000, async () => {
      const ours = (await runChecked(BIN.ip, ['-o', 'link', 'show', 'dev', outside])).stdout;
      const theirs = (await runChecked(BIN.ip, ['-n', name, '-o', 'link', 'show', 'dev', inside]))
        .stdout;
      return ours.includes('state UP') && theirs.includes('state UP') ? true : undefined;
    });
  } catch (error) {
    await destroy();
    throw error;
  }
  return { name, hostAddress, hostInterface: outside, relayAddress, browserAddress, destroy };
}

// ---------------------------------------------------------------------------------------------
// Chromium that trusts Caddy's root CA

export interface BrowserHome {
  /** HOME for Chromium: its NSS DB ($HOME/.pki/nssdb) trusts `rootCa` as a CA. */
  home: string;
  /** Executable to give playwright: Chromium itself, or a wrapper entering the namespace. */
  executablePath: string;
  env: Record<string, string>;
  dispose(): void;
}

/** Adds `certFile` (PEM or DER) to the NSS DB of a browser home as a CA trusted for websites. */
export async function trustInBrowserHome(home: string, certFile: string, nickname: string) {
  requireExecutable(BIN.certutil);
  const nssdb = `sql:${join(home, '.pki', 'nssdb')}`;
  await runChecked(BIN.certutil, ['-d', nssdb, '-A', '-t', 'C,,', '-n', nickname, '-i', certFile]);
}

/**
 * A HOME for Chromium with an NSS DB ($HOME/.pki/nssdb) that trusts `rootCa`, or nothing at all
 * when it is undefined (a phone before /trust).
 */
export async function prepareBrowserHome(
  rootCa: string | undefined,
  netns?: BrowserNetns,
): Promise<BrowserHome> {
  requireExecutable(BIN.chromium);
  requireExecutable(BIN.certutil);
  const home = tempDir('chromium');
  const nssdb = `sql:${join(home, '.pki', 'nssdb')}`;
  await runChecked('/bin/mkdir', ['-p', join(home, '.pki', 'nssdb')]);
  await runChecked(BIN.certutil, ['-d', nssdb, '-N', '--empty-password']);
  if (rootCa !== undefined) {
    const caFile = join(home, 'caddy-root.crt');
    writeFileSync(caFile, rootCa);
    await trustInBrowserHome(home, caFile, 'Dialtone test Caddy CA');
  }
  let executablePath: string = BIN.chromium;
  if (netns !== undefined) {
    executablePath = join(home, 'chromium-in-netns.sh');
    // `ip netns exec` execs Chromium in place, so playwright's pid is Chromium's.
    writeFileSync(
      executablePath,
      `#!/bin/sh\nexec ${BIN.ip} netns exec ${netns.name} ${BIN.chromium} "$@"\n`,
      { mode: 0o755 },
    );
  }
  const env: Record<string, string> = { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin' };
  return {
    home,
    executablePath,
    env,
    dispose: () => rmSync(home, { recursive: true, force: true }),
  };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL database and the app

export interface Database {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database on the local PostgreSQL (127.0.0.1:5432, trust auth, user postgres). */
export async function createDatabase(): Promise<Database> {
  requireExecutable(BIN.psql);
  const name = `dialtone_stack_${randomBytes(4).toString('hex')}`;
  const psql = (sql: string) =>
    runChecked(BIN.psql, [
      '-h',
      '127.0.0.1',
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      sql,
    ]);
  await psql(`CREATE DATABASE ${name}`);
  return {
    name,
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    drop: async () => {
      await psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export interface AppOptions {
  databaseUrl: string;
  /**
   * The setup step's files: the app starts as compose starts it, through deploy/with-env.sh and
   * app/app.env (PUBLIC_URL, STUN/TURN URLs, the *_FILE secrets, LOCAL_CA_CERT_FILE), and the
   * three settings below are not used.
   */
  setup?: SetupStep;
  publicUrl?: string;
  turnUrls?: string[];
  turnSecret?: string;
  jwtSecret?: string;
  allowedOrigins?: string[];
  /** Defaults to a free port on 127.0.0.1. */
  port?: number;
  /** The server's entry point (default: dist/main.js of this repository). */
  entry?: string;
  extraEnv?: Record<string, string>;
}

export interface App {
  port: number;
  upstream: string;
  process: Managed;
  stop(): Promise<void>;
}

/** node dist/main.js in production mode on 127.0.0.1 (build first: npm run build). */
export async function startApp(options: AppOptions): Promise<App> {
  const entry = options.entry ?? join(REPO_ROOT, 'dist', 'main.js');
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: run npm run build first`);
  }
  const dataDir = tempDir('app-data');
  const port = options.port ?? (await freeTcpPort());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: options.databaseUrl,
    JWT_TTL: '1h',
    TRUST_PROXY: 'loopback',
    ...(options.allowedOrigins !== undefined && options.allowedOrigins.length > 0
      ? { ALLOWED_ORIGINS: options.allowedOrigins.join(',') }
      : {}),
    ...(options.setup === undefined
      ? {
          JWT_SECRET: options.jwtSecret ?? randomBytes(32).toString('hex'),
          PUBLIC_URL: options.publicUrl,
          TURN_URLS: (options.turnUrls ?? []).join(','),
          TURN_SECRET: options.turnSecret,
        }
      : {}),
    TURN_TTL: '600',
    ...options.extraEnv,
  };
  const proc =
    options.setup === undefined
      ? startProcess('app', process.execPath, [entry], env)
      : startProcess(
          'app',
          BIN.sh,
          [join(DEPLOY_DIR, 'with-env.sh'), options.setup.envFile.app, process.execPath, entry],
          env,
        );
  const stop = async () => {
    await proc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor('the app to answer GET /health with 200', 30_000, async () => {
      if (proc.child.exitCode !== null) {
        throw new Error(`app exited (${proc.child.exitCode}):\n${proc.output()}`);
      }
      const res = await httpGet(`http://127.0.0.1:${port}/health`, { timeoutMs: 2_000 });
      return res.status === 200 ? true : undefined;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, upstream: `127.0.0.1:${port}`, process: proc, stop };
}

// ---------------------------------------------------------------------------------------------
// the whole stack

export type StackNetwork = 'loopback' | 'netns';

export interface StackOptions {
  network: StackNetwork;
  /** Start the real app (needs dist/ and PostgreSQL). Otherwise Caddy proxies to `upstream`. */
  app?: boolean;
  /** host:port Caddy proxies to when `app` is false. */
  upstream?: string;
  /** The app's entry point when `app` is true (default dist/main.js). */
  appEntry?: string;
  /**
   * With `app`: run this many instances behind Caddy (default 1), sharing the database and, when
   * more than one, the Redis at `redisUrl` (under a key prefix of their own).
   */
  instances?: number;
  redisUrl?: string;
}

export interface Stack {
  /** DIALTONE_HOST: where Caddy and coturn listen, and what the browser opens. */
  host: string;
  /** What the setup step generated, which everything was started from. */
  setup: SetupStep;
  netns?: BrowserNetns;
  coturn: Coturn;
  caddy: Caddy;
  /** The first instance (the only one unless `instances` says more). */
  app?: App;
  /** Every instance, in the order of Caddy's upstreams. */
  apps: App[];
  database?: Database;
  /** With several instances: the Redis they share and their key prefix in it. */
  redis?: { url: string; keyPrefix: string };
  turnSecret: string;
  /** A Chromium HOME/executable that trusts Caddy's CA (and enters the namespace). */
  browser: BrowserHome;
  stop(): Promise<void>;
}

/** Chromium inside the stack's network, trusting Caddy's CA; closed by `teardown`. */
export async function launchStackChromium(stack: Stack, teardown: Teardown): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: stack.browser.executablePath,
    args: [...CHROMIUM_ARGS],
    env: stack.browser.env,
    timeout: 30_000,
  });
  teardown.add('chromium', () => browser.close());
  return browser;
}

/**
 * The call-page side of a stack test: one Chromium per account (a process each, in the stack's
 * network), every account registered through Caddy, and `page(i)` logs account i in there.
 */
export async function callersOnStack(
  stack: Stack,
  teardown: Teardown,
  accounts: readonly Account[],
): Promise<{ browsers: Browser[]; page(i: number): Promise<CallPageDriver> }> {
  const browsers: Browser[] = [];
  for (const account of accounts) {
    browsers.push(await launchStackChromium(stack, teardown));
    const res = await httpCall('POST', `${stack.caddy.origin}/auth/register`, {
      ca: stack.caddy.rootCa,
      json: account,
    });
    if (res.status !== 201) {
      throw new Error(`registering ${account.username}: ${res.status} ${res.body}`);
    }
  }
  const page = async (i: number) => {
    const context = await browsers[i].newContext();
    teardown.add(`${accounts[i].username}'s browser context`, () => context.close());
    return CallPageDriver.logIn(context, stack.caddy.origin, accounts[i]);
  };
  return { browsers, page };
}

/**
 * The whole deployment with the built app, as the end-to-end stack suites start it: in a network
 * namespace, the app from DIALTONE_STACK_APP_ENTRY (default dist/main.js), stopped by `teardown`.
 */
export async function startAppStack(
  teardown: Teardown,
  options: Pick<StackOptions, 'instances' | 'redisUrl'> = {},
): Promise<Stack> {
  const stack = await startStack({
    network: 'netns',
    app: true,
    appEntry: process.env.DIALTONE_STACK_APP_ENTRY,
    ...options,
  });
  teardown.add('stack', () => stack.stop());
  return stack;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const teardown = new Teardown();
  try {
    let netns: BrowserNetns | undefined;
    let host = '127.0.0.1';
    if (options.network === 'netns') {
      netns = await createBrowserNetns();
      teardown.add('network namespace', () => netns!.destroy());
      host = netns.hostAddress;
    }
    // coturn relays on an address of its own next to the host, which the LAN range the setup
    // step allows holds (the host itself it never does), and announces it (TURN_EXTERNAL_IP, as
    // .env sets it). Relay-to-relay calls need that: through the host's own address the split
    // range would refuse them (docs/deploy.md, "Relay-only calls inside the LAN").
    const relayIp = netns?.relayAddress ?? '127.0.0.2';
    // The setup step, as compose runs it first: in the namespace it finds the host from a route
    // table naming our veth end as the default route, on loopback it is told DIALTONE_HOST.
    const setup = await runSetupStep({
      host,
      detectVia: netns?.hostInterface,
      turnExternalIp: relayIp,
    });
    const turnSecret = setup.turnSecret;
    const coturn = await startCoturn({
      host,
      relayIp,
      setup,
      allowLoopbackPeers: options.network === 'loopback',
    });
    teardown.add('coturn', () => coturn.stop());

    let app: App | undefined;
    let database: Database | undefined;
    const upstream = options.upstream;
    // Caddy's ports are needed for PUBLIC_URL before the app starts, so when the app is part of
    // the stack Caddy is started first and the app's port is reserved up front.
    if (options.app === true) {
      database = await createDatabase();
      teardown.add('database', () => database!.drop());
    }
    if (upstream === undefined && options.app !== true) {
      throw new Error('startStack: give `upstream` or set `app: true`');
    }
    const appPorts: number[] = [];
    for (let i = 0; options.app === true && i < (options.instances ?? 1); i++) {
      appPorts.push(await freeTcpPort());
    }
    const caddy = await startCaddy({
      host,
      bind: host,
      upstream: upstream ?? appPorts.map((port) => `127.0.0.1:${port}`).join(' '),
      setup,
    });
    teardown.add('caddy', () => caddy.stop());
    const apps: App[] = [];
    let redis: Stack['redis'];
    if (options.app === true && database !== undefined) {
      // Instances of one deployment share the setup step's secrets and, when several, Redis.
      redis =
        appPorts.length > 1
          ? {
              url: options.redisUrl ?? 'redis://127.0.0.1:6379',
              keyPrefix: `dialtone-stack-${randomBytes(4).toString('hex')}:`,
            }
          : undefined;
      const shared = redis && { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix };
      for (const port of appPorts) {
        const started = await startApp({
          databaseUrl: database.url,
          setup,
          port,
          entry: options.appEntry,
          extraEnv: shared,
        });
        teardown.add(`app on ${port}`, () => started.stop());
        apps.push(started);
      }
      app = apps[0];
    }
    if (apps.length > 0) {
      // Caddy's active health checks may have run before the apps were up: until the next check
      // passes it answers 503 with no body, so wait until it routes a request to an app.
      await waitFor('Caddy to route GET /health to an app', 20_000, async () => {
        const res = await httpGet(`${caddy.origin}/health`, { ca: caddy.rootCa, timeoutMs: 2_000 });
        return res.status === 200 ? true : undefined;
      });
    }
    const browser = await prepareBrowserHome(caddy.rootCa, netns);
    teardown.add('browser home', () => browser.dispose());
    return {
      host,
      setup,
      netns,
      coturn,
      caddy,
      app,
      apps,
      database,
      redis,
      turnSecret,
      browser,
      stop: () => teardown.run(),
    };
  } catch (error) {
    await teardown.run().catch(() => undefined);
    throw error;
  }
}
