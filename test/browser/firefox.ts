import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { freePort } from '../support/redis-server.js';

/** Debian's Firefox ESR (`apt-get install -y firefox-esr`). */
export const FIREFOX_PATH = '/usr/bin/firefox-esr';

/**
 * Headless Firefox ESR driven over WebDriver BiDi, with its own profile. Playwright's stock-
 * Firefox mode fails on this version (an unsupported BiDi command), so this speaks the few BiDi
 * commands a test needs itself: navigate and evaluate in the one tab.
 */
export interface Firefox {
  navigate(url: string): Promise<void>;
  /** Evaluates `expression` in the tab (awaiting a promise); a JSON-able result comes back. */
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

/** Launches Firefox with these preferences (`user.js`); throws, never skips, when it is missing. */
export async function launchFirefox(
  prefs: Record<string, string | number | boolean>,
): Promise<Firefox> {
  if (!existsSync(FIREFOX_PATH)) {
    throw new Error(`${FIREFOX_PATH} is missing: install it with "apt-get install -y firefox-esr"`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'dialtone-firefox-'));
  writeFileSync(
    join(profile, 'user.js'),
    Object.entries(prefs)
      .map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`)
      .join('\n'),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    FIREFOX_PATH,
    [
      '--headless',
      '--no-remote',
      '--profile',
      profile,
      `--remote-debugging-port=${port}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Firefox did not start: ${output}`)), 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('WebDriver BiDi listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`Firefox exited with ${code}: ${output}`)));
  });
  const socket = new WebSocket(`ws://127.0.0.1:${port}/session`);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let lastId = 0;
  const pending = new Map<number, (reply: BidiReply) => void>();
  socket.on('message', (raw: Buffer) => {
    const reply = JSON.parse(raw.toString()) as BidiReply;
    if (reply.id !== undefined) {
      pending.get(reply.id)?.(reply);
      pending.delete(reply.id);
    }
  });
  const send = async (method: string, params: Record<string, unknown>): Promise<BidiResult> => {
    lastId += 1;
    const id = lastId;
    const reply = await new Promise<BidiReply>((resolve) => {
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
    if (reply.type !== 'success' || !reply.result) {
      throw new Error(`${method}: ${reply.error ?? ''} ${reply.message ?? ''}`);
    }
    return reply.result;
  };
  await send('session.new', { capabilities: {} });
  const tree = await send('browsingContext.getTree', {});
  const context = tree.contexts?.[0]?.context ?? '';
  return {
    async navigate(url) {
      await send('browsingContext.navigate', { context, url, wait: 'complete' });
    },
    async evaluate<T>(expression: string) {
      const result = await send('script.evaluate', {
        expression: `Promise.resolve(${expression}).then((value) => JSON.stringify(value ?? null))`,
        target: { context },
        awaitPromise: true,
      });
      if (result.type === 'exception') {
        throw new Error(`evaluate ${expression}: ${JSON.stringify(result.exceptionDetails)}`);
      }
      return JSON.parse(result.result?.value ?? 'null') as T;
    },
    async close() {
      socket.close();
      child.kill();
      await new Promise((resolve) =>
        child.exitCode !== null ? resolve(null) : child.once('exit', resolve),
      );
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

interface BidiResult {
  contexts?: { context: string }[];
  type?: string;
  result?: { value?: string };
  exceptionDetails?: unknown;
}
interface BidiReply {
  id?: number;
  type: string;
  result?: BidiResult;
  error?: string;
  message?: string;
}
