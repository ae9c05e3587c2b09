import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type RevokedAccount, TokenRevocations } from '../src/auth/token-revocations.js';
import { type AuthenticatedUser, TokenService } from '../src/auth/token.service.js';
import { RedisSignaling } from '../src/signaling/engines/redis/redis-signaling.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { TEST_REDIS_URL } from './support/signaling-backends.js';
import { createUser, startTestApp, type TestApp } from './support/test-app.js';

const MAX_STALE_MS = 900;

/** The instances of one deployment, as the revocations seam sees them. */
interface Deployment {
  readonly apps: TestApp[];
  /** Makes every announcement miss every instance but its sender (memory: nothing to miss). */
  loseAnnouncements(): Promise<void>;
  teardown(): Promise<void>;
}

async function memoryDeployment(): Promise<Deployment> {
  const app = await startTestApp({ REVOCATION_MAX_STALE_MS: String(MAX_STALE_MS) });
  return { apps: [app], loseAnnouncements: () => Promise.resolve(), teardown: () => app.close() };
}

async function redisDeployment(): Promise<Deployment> {
  const database: TestDatabase = await createTestDatabase();
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `dialtone-revocations-${randomBytes(4).toString('hex')}:`,
    REVOCATION_MAX_STALE_MS: String(MAX_STALE_MS),
  };
  const apps = [await startTestApp(env), await startTestApp(env)];
  return {
    apps,
    loseAnnouncements: async () => {
      for (const app of apps) {
        const cluster = app.app.get(RedisSignaling);
        await cluster.connection.unsubscribe(cluster.bus.channel);
      }
    },
    teardown: async () => {
      await Promise.all(apps.map((app) => app.close()));
      await database.drop();
    },
  };
}

/** Resolves once `check` holds, failing after `ms`. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) {
      throw new Error(`not within ${ms} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Date.now() - started;
}

/**
 * Logout, log-out-everywhere and deletion, one behaviour on both back ends: in memory (one
 * instance, DatabaseTokenRevocations) and on Redis (two in-process instances on one PostgreSQL
 * database and 127.0.0.1:6379, ClusterTokenRevocations). What one instance revokes, every
 * instance refuses within REVOCATION_MAX_STALE_MS — even when not one announcement reaches it —
 * and each instance's listeners (the signaling registry) hear of it.
 */
describe.each([
  ['memory', memoryDeployment],
  ['redis', redisDeployment],
])('token revocations contract: %s', (_name, create) => {
  let deployment: Deployment;
  const heard: (RevokedAccount | undefined)[][] = [];

  beforeAll(async () => {
    deployment = await create();
    deployment.apps.forEach((app, n) => {
      heard[n] = [];
      app.app.get(TokenRevocations).onRevoked((account) => heard[n].push(account));
    });
  }, 30_000);

  afterAll(async () => {
    await deployment.teardown();
  });

  const first = () => deployment.apps[0];
  const last = () => deployment.apps[deployment.apps.length - 1];

  async function login(prefix: string) {
    const user = await createUser(first().baseUrl, prefix);
    const second = await fetch(`${first().baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
    const { accessToken } = (await second.json()) as { accessToken: string };
    const verify = async (token: string) =>
      (await first().app.get(TokenService).verify(token)) as AuthenticatedUser;
    return { user, one: await verify(user.token), other: await verify(accessToken) };
  }

  async function revokedEverywhere(token: AuthenticatedUser): Promise<boolean> {
    for (const app of deployment.apps) {
      if (!(await app.app.get(TokenRevocations).isRevoked(token))) {
        return false;
      }
    }
    return true;
  }

  function toldOf(username: string): boolean {
    return heard.every((told) =>
      told.some((account) => account === undefined || account.username === username),
    );
  }

  it('a logout refuses that token on every instance, not the account’s other tokens; every instance hears of it', async () => {
    const { user, one, other } = await login('lo');
    await first().app.get(TokenRevocations).revoke(one);
    expect(await first().app.get(TokenRevocations).isRevoked(one)).toBe(true);
    await within(MAX_STALE_MS, () => revokedEverywhere(one));
    expect(await last().app.get(TokenRevocations).isRevoked(other)).toBe(false);
    await within(MAX_STALE_MS, () => Promise.resolve(toldOf(user.username)));
  });

  it('log out everywhere refuses every token signed before it, on every instance, and only that account’s', async () => {
    const { one, other } = await login('le');
    const bystander = await login('lb');
    await last().app.get(TokenRevocations).revokeAll(one);
    await within(
      MAX_STALE_MS,
      async () => (await revokedEverywhere(one)) && revokedEverywhere(other),
    );
    expect(await first().app.get(TokenRevocations).isRevoked(bystander.one)).toBe(false);
  });

  it('a deleted account’s tokens are refused on every instance', async () => {
    const { user, one } = await login('ld');
    const deleted = await fetch(`${first().baseUrl}/users/me`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
      body: JSON.stringify({ password: user.password }),
    });
    expect(deleted.status).toBe(204);
    await within(MAX_STALE_MS, () => revokedEverywhere(one));
  });

  it('when announcements are lost, every instance still refuses a revoked token within REVOCATION_MAX_STALE_MS', async () => {
    await deployment.loseAnnouncements();
    const { one } = await login('ll');
    await first().app.get(TokenRevocations).revoke(one);
    const took = await within(MAX_STALE_MS + 500, () => revokedEverywhere(one));
    expect(took).toBeLessThanOrEqual(MAX_STALE_MS + 500);
  });
});
