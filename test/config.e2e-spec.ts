import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../src/config/paths.js';
import { client } from './support/http.js';
import { createUser, startTestApp } from './support/test-app.js';

const run = promisify(execFile);
const MAIN = join(PROJECT_ROOT, 'dist', 'main.js');

let dataDir: string;

/** Starts the built server the way `npm start` does and expects it to refuse to run. */
async function failedStart(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const { PATH = '' } = process.env;
  try {
    await run(process.execPath, [MAIN], { cwd: dataDir, env: { PATH, ...env }, timeout: 20_000 });
  } catch (error) {
    const { code, signal, stderr } = error as { code: unknown; signal: unknown; stderr: string };
    assert.equal(signal, null, `the server kept running: ${stderr}`);
    expect(typeof code).toBe('number');
    return { code: code as number, stderr };
  }
  return assert.fail('the server exited with code 0');
}

beforeAll(() => {
  // `npm test` builds first (pretest), so this is the server `npm start` runs.
  assert.ok(existsSync(MAIN), `${MAIN} is missing: run "npm run build" first`);
  dataDir = mkdtempSync(join(tmpdir(), 'dialtone-config-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('node dist/main.js with bad configuration', () => {
  it('exits non-zero naming PORT when PORT is not a number', async () => {
    const { code, stderr } = await failedStart({ PORT: 'nope', DATA_DIR: dataDir });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/\bPORT\b/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'a configuration error needs no stack trace');
  });

  it('exits non-zero naming JWT_SECRET in production without one', async () => {
    const { code, stderr } = await failedStart({ NODE_ENV: 'production', DATA_DIR: dataDir });
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/\bJWT_SECRET\b/);
  });
});

describe('the generated development secret', () => {
  it('keeps tokens valid across a restart with the same DATA_DIR', async () => {
    const env = { DATA_DIR: join(dataDir, 'restart') };
    const first = await startTestApp(env);
    const { token } = await createUser(first.baseUrl, 'restart');
    await first.close();
    const second = await startTestApp(env);
    try {
      const reply = await client(() => second.baseUrl).get('/users/me', { token });
      assert.equal(reply.status, 200, reply.text);
    } finally {
      await second.close();
    }
  });
});
