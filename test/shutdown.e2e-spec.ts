import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../src/config/paths.js';
import { closeAll, connectCall, party } from './support/call-fixtures.js';

const MAIN = join(PROJECT_ROOT, 'dist', 'main.js');

/** `node dist/main.js` in production mode on a free port; resolves once it is listening. */
function startServer(dataDir: string): Promise<{ server: ChildProcess; baseUrl: string }> {
  const server = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      JWT_SECRET: 'shutdown-test-'.padEnd(48, '7'),
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start')), 20_000);
    server.stdout?.on('data', (chunk: Buffer) => {
      const listening = /listening on (http:\/\/[\d.:]+)/.exec(chunk.toString());
      if (listening) {
        clearTimeout(timer);
        resolve({ server, baseUrl: listening[1] });
      }
    });
    server.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
}

describe('node dist/main.js on SIGTERM', () => {
  let dataDir: string;

  before(() => {
    assert.ok(existsSync(MAIN), `${MAIN} is missing: run "npm run build" first`);
    dataDir = mkdtempSync(join(tmpdir(), 'dialtone-shutdown-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('tells both parties of a call why, closes every socket with 1001 and exits', async () => {
    const { server, baseUrl } = await startServer(dataDir);
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      server.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const alice = await party(baseUrl, 'term');
    const bob = await party(baseUrl, 'termb');
    await connectCall(alice, bob);
    server.kill('SIGTERM');
    assert.equal((await alice.ws.next('hangup')).code, 'server_shutdown');
    assert.equal((await bob.ws.next('hangup')).code, 'server_shutdown');
    assert.equal((await alice.ws.closed).code, 1001);
    assert.equal((await bob.ws.closed).code, 1001);
    const { code, signal } = await exited;
    assert.ok(code === 0 || signal === 'SIGTERM', `exit ${code} / ${signal}`);
    closeAll(alice, bob);
  });
});
