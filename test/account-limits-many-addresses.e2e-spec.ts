import { afterEach, describe, expect, it } from '@jest/globals';
import { call, type Reply } from './support/http.js';
import { createUser, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Issue 19, points 1 and 2: an attacker with many client addresses (here X-Forwarded-For from a
 * trusted proxy, as compose runs) against the account budgets. The figures of the first test are
 * the ones docs/security.md quotes.
 */
describe('account limits against many addresses', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  const from = (ip: string) => ({ 'x-forwarded-for': ip });
  const login = (base: string, username: string, password: string, ip: string) =>
    call(base, 'POST', '/auth/login', { json: { username, password }, headers: from(ip) });
  const logout = (base: string, ip: string, token?: string) =>
    call(base, 'POST', '/auth/logout', { headers: from(ip), token });

  /** Runs `work` for every item, `width` at a time. */
  async function inWaves<T>(items: T[], width: number, work: (item: T) => Promise<Reply>) {
    const replies: Reply[] = [];
    for (let at = 0; at < items.length; at += width) {
      replies.push(...(await Promise.all(items.slice(at, at + width).map(work))));
    }
    return replies;
  }

  it('anonymous logouts and logins for names with no account from 200 addresses leave a real user able to log in and out', async () => {
    app = await start({ AUTH_RATE_PER_ADDRESS: '10', AUTH_RATE_GLOBAL: '20' });
    const { baseUrl } = app;
    const alice = await createUser(baseUrl, 'alice'); // 2 of the 20 hashes a minute
    const attackers = Array.from({ length: 200 }, (_, n) => `198.18.${n >> 8}.${n & 255}`);
    // Each address well inside its own budget: 10 logouts and 8 logins for names that do not exist.
    const logouts = await inWaves(
      attackers.flatMap((ip) => Array<string>(10).fill(ip)),
      100,
      (ip) => logout(baseUrl, ip),
    );
    const guesses = await inWaves(
      attackers.flatMap((ip) => Array.from({ length: 8 }, (_, n) => ({ ip, name: `ghost${n}` }))),
      100,
      ({ ip, name }) => login(baseUrl, name, 'wrong password', ip),
    );
    expect(new Set(logouts.map((reply) => reply.status))).toStrictEqual(new Set([204]));
    expect(new Set(guesses.map((reply) => reply.status))).toStrictEqual(new Set([401]));
    // 3,600 requests later, Alice logs in and out from 10 fresh addresses: none is refused.
    const outcomes = [];
    for (let n = 1; n <= 10; n += 1) {
      const ip = `203.0.113.${n}`;
      const session = await login(baseUrl, alice.username, alice.password, ip);
      const token =
        session.status === 200 ? session.json<{ accessToken: string }>().accessToken : '';
      const out = await logout(baseUrl, ip, token);
      const after = await call(baseUrl, 'GET', '/users/me', { token });
      outcomes.push(`${session.status} ${out.status} ${after.status}`);
    }
    expect(outcomes).toStrictEqual(Array<string>(10).fill('200 204 401'));
  });

  it('still stops one address, and never refuses its logout', async () => {
    app = await start({ AUTH_RATE_PER_ADDRESS: '5', AUTH_RATE_GLOBAL: '1000' });
    const { baseUrl } = app;
    const bob = await createUser(baseUrl, 'bob');
    const session = await login(baseUrl, bob.username, bob.password, '192.0.2.7');
    const { accessToken } = session.json<{ accessToken: string }>();
    const statuses = [];
    for (let n = 0; n < 6; n += 1) {
      statuses.push((await login(baseUrl, `ghost${n}`, 'wrong password', '192.0.2.7')).status);
    }
    expect(statuses).toStrictEqual([401, 401, 401, 401, 429, 429]);
    // The address's budget is spent; its logout revokes the token all the same.
    expect((await logout(baseUrl, '192.0.2.7', accessToken)).status).toBe(204);
    expect((await call(baseUrl, 'GET', '/users/me', { token: accessToken })).status).toBe(401);
    const form = await call(baseUrl, 'POST', '/logout', { headers: from('192.0.2.7') });
    expect(form.status).toBe(303);
  });

  it('locks out an IPv6 client by its /64 after 5 failures, whichever of its addresses it uses', async () => {
    app = await start({ AUTH_RATE_PER_ADDRESS: '1000', AUTH_RATE_GLOBAL: '1000' });
    const { baseUrl } = app;
    const carol = await createUser(baseUrl, 'carol');
    const statuses = [];
    for (let n = 1; n <= 8; n += 1) {
      const ip = `2001:db8:19:19:${n.toString(16)}::${n}`;
      statuses.push((await login(baseUrl, carol.username, `guess ${n}`, ip)).status);
    }
    expect(statuses).toStrictEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // Even the right password, from yet another address of that /64; another /64 is not held.
    expect(
      (await login(baseUrl, carol.username, carol.password, '2001:db8:19:19::ff')).status,
    ).toBe(429);
    expect((await login(baseUrl, carol.username, carol.password, '2001:db8:19:20::1')).status).toBe(
      200,
    );
    // An IPv4-mapped address is the IPv4 client: one lock-out for both spellings.
    for (let n = 0; n < 5; n += 1) {
      await login(baseUrl, carol.username, 'wrong', n % 2 ? '192.0.2.44' : '::ffff:192.0.2.44');
    }
    expect((await login(baseUrl, carol.username, carol.password, '192.0.2.44')).status).toBe(429);
  });

  const start = (env: Record<string, string>) => startTestApp({ TRUST_PROXY: 'loopback', ...env });
});
