import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../../src/app.setup.js';
import { loadConfig } from '../../src/config/load-config.js';

export interface TestApp {
  app: NestExpressApplication;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  port: number;
  close(): Promise<void>;
  /**
   * Shuts this app down the way a deployment does (open sockets are closed with 1001) and starts
   * a new one on the same port and data folder: same accounts, same signing secret.
   */
  restart(): Promise<TestApp>;
}

/**
 * The real application listening on a free loopback port, on a fresh SQLite file (or the
 * DATABASE_URL given in `env`). Extra environment variables go through the real config loader.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  return listen(env, mkdtempSync(join(tmpdir(), 'dialtone-test-')), 0);
}

/**
 * Every suite registers and logs in dozens of accounts from 127.0.0.1, far beyond the per-address
 * budget a real client gets; the suites that test the account limits set their own values.
 */
const TEST_DEFAULTS: Record<string, string> = {
  NODE_ENV: 'test',
  PORT: '0',
  AUTH_RATE_PER_ADDRESS: '100000',
  WS_UPGRADES_PER_ADDRESS: '1000000',
  AUTH_RATE_GLOBAL: '100000',
};

async function listen(
  env: Record<string, string>,
  dataDir: string,
  port: number,
): Promise<TestApp> {
  const config = loadConfig({ ...TEST_DEFAULTS, DATA_DIR: dataDir, ...env });
  const app = await createApp(config);
  await app.listen(port, '127.0.0.1');
  const bound = (app.getHttpServer().address() as AddressInfo).port;
  return {
    app,
    port: bound,
    baseUrl: `http://127.0.0.1:${bound}`,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    restart: async () => {
      await app.close();
      try {
        return await listen(env, dataDir, bound);
      } catch (error) {
        rmSync(dataDir, { recursive: true, force: true });
        throw error;
      }
    },
  };
}

export interface TestUser {
  username: string;
  password: string;
  token: string;
  id: string;
}

let counter = 0;

/** Registers and logs in a fresh account through the public API. */
export async function createUser(
  baseUrl: string,
  prefix = 'user',
  displayName?: string,
): Promise<TestUser> {
  counter += 1;
  const username = `${prefix}${counter}${Math.random().toString(36).slice(2, 6)}`.slice(0, 32);
  const password = 'correct horse battery';
  const registered = await fetch(`${baseUrl}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, displayName }),
  });
  if (registered.status !== 201) {
    throw new Error(`register ${username}: ${registered.status} ${await registered.text()}`);
  }
  const login = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await login.json()) as { accessToken: string; user: { id: string } };
  return { username, password, token: body.accessToken, id: body.user.id };
}
