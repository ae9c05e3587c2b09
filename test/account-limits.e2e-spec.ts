import assert from 'node:assert/strict';
import { afterEach, describe, expect, it } from '@jest/globals';
import { call, type Reply } from './support/http.js';
import { createUser, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

/** Statuses counted: `{401: 5, 429: 95}`. */
function tally(replies: Reply[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const reply of replies) {
    counts[reply.status] = (counts[reply.status] ?? 0) + 1;
  }
  return counts;
}

function retryAfter(reply: Reply): number {
  const value = Number(reply.headers.get('retry-after'));
  assert.ok(
    Number.isInteger(value) && value >= 1,
    `Retry-After: ${reply.headers.get('retry-after')}`,
  );
  return value;
}

describe('limits on unauthenticated account work', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  const start = async (env: Record<string, string> = {}) => {
    app = await startTestApp(env);
    return app;
  };
  const login = (
    base: string,
    username: string,
    password: string,
    headers: Record<string, string> = {},
  ) => call(base, 'POST', '/auth/login', { json: { username, password }, headers });

  it('evaluates at most 5 of 100 concurrent wrong guesses; the rest are locked out (429)', async () => {
    const { baseUrl } = await start();
    const victim = await createUser(baseUrl, 'victim');
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, n) => login(baseUrl, victim.username, `guess number ${n}`)),
    );
    expect(tally(replies)).toStrictEqual({ 401: 5, 429: 95 });
    for (const locked of replies.filter((reply) => reply.status === 429)) {
      expect(locked.json().message).toMatch(/Too many failed logins/);
      expect(retryAfter(locked)).toBeLessThanOrEqual(900);
    }
    const rightPassword = await login(baseUrl, victim.username, victim.password);
    expect(rightPassword.status).toBe(429);
  });

  it('limits account requests per address (AUTH_RATE_PER_ADDRESS), API and forms together', async () => {
    const { baseUrl } = await start({ AUTH_RATE_PER_ADDRESS: '4', TRUST_PROXY: 'loopback' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const register = (username: string, ip: string) =>
      call(baseUrl, 'POST', '/auth/register', {
        json: { username, password: 'correct horse battery' },
        headers: from(ip),
      });
    for (const n of [1, 2, 3]) {
      expect((await register(`spray${n}`, '203.0.113.9')).status).toBe(201);
    }
    const form = await call(baseUrl, 'POST', '/login', {
      form: { username: 'spray1', password: 'correct horse battery' },
      headers: from('203.0.113.9'),
    });
    expect(form.status).toBe(303);
    const refused = await register('spray5', '203.0.113.9');
    expect(refused.status).toBe(429);
    expect(refused.json().message).toMatch(/Too many account requests from your address/);
    expect(retryAfter(refused)).toBe(15); // 4 a minute: the next one in 15 s
    const formRefused = await call(baseUrl, 'POST', '/register', {
      form: { username: 'spray6', password: 'correct horse battery' },
      headers: from('203.0.113.9'),
    });
    expect(formRefused.status).toBe(429);
    retryAfter(formRefused);
    // The form, not JSON: the person who pressed "Register" reads why, and what they typed stays.
    expect(formRefused.headers.get('content-type') ?? '').toMatch(/^text\/html/);
    expect(formRefused.text).toContain('Too many attempts from your network. Try again in');
    expect(formRefused.text).toContain('value="spray6"');
    // Other addresses keep their own budget, and pages that cost nothing are not counted.
    expect((await register('spray7', '198.51.100.20')).status).toBe(201);
    expect((await call(baseUrl, 'GET', '/login', { headers: from('203.0.113.9') })).status).toBe(
      200,
    );
    // The refused registrations never happened.
    expect(
      (await login(baseUrl, 'spray5', 'correct horse battery', from('192.0.2.1'))).status,
    ).toBe(401);
  });

  it('counts one IPv6 client by its /64, whichever address of it it uses', async () => {
    const { baseUrl } = await start({ AUTH_RATE_PER_ADDRESS: '2', TRUST_PROXY: 'loopback' });
    const statuses = [];
    for (const ip of ['2001:db8:7:7::1', '2001:db8:7:7::2', '2001:db8:7:7:ffff::3']) {
      const reply = await login(baseUrl, 'nobody', 'wrong password', { 'x-forwarded-for': ip });
      statuses.push(reply.status);
    }
    expect(statuses).toStrictEqual([401, 401, 429]);
  });

  it('limits the argon2 work of all addresses together (AUTH_RATE_GLOBAL)', async () => {
    const { baseUrl } = await start({
      AUTH_RATE_PER_ADDRESS: '100',
      AUTH_RATE_GLOBAL: '7',
      TRUST_PROXY: 'loopback',
    });
    const victim = await createUser(baseUrl, 'sprayed'); // a registration and a login: 2 hashes
    const statuses = [];
    for (let n = 1; n <= 6; n += 1) {
      const reply = await login(baseUrl, victim.username, 'wrong password', {
        'x-forwarded-for': `198.51.100.${n}`,
      });
      statuses.push(reply.status);
      if (reply.status === 429) {
        expect(reply.json().message).toMatch(/The server is receiving too many account requests/);
        expect(retryAfter(reply)).toBe(9); // 7 a minute: the next one in 9 s
      }
    }
    expect(statuses).toStrictEqual([401, 401, 401, 401, 401, 429]);
    // Refused before argon2: no guess was evaluated, so the lock-out does not hold it.
    const sameAddress = await login(baseUrl, victim.username, 'wrong password', {
      'x-forwarded-for': '198.51.100.6',
    });
    expect(sameAddress.json().message).toMatch(/The server is receiving too many/);
  });

  it('answers 503 with Retry-After beyond the argon2 queue, and keeps serving afterwards', async () => {
    const { baseUrl } = await start({ PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '2' });
    const alice = await createUser(baseUrl, 'alice');
    // Wrong passwords of existing accounts (a name with no account costs no hash), 5 each: all
    // within the lock-out, so every one reaches the queue.
    const targets: TestUser[] = [];
    for (let n = 0; n < 8; n += 1) {
      targets.push(await createUser(baseUrl, `target${n}`)); // one at a time: the queue is short
    }
    const flood = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        login(baseUrl, targets[n % 8].username, 'wrong password'),
      ),
    );
    const counts = tally(flood);
    expect(Object.keys(counts).sort()).toStrictEqual(['401', '503']);
    expect(counts[401]).toBeLessThan(40);
    for (const busy of flood.filter((reply) => reply.status === 503)) {
      expect(busy.json().message).toMatch(/The server is busy/);
      retryAfter(busy);
    }
    expect((await login(baseUrl, alice.username, alice.password)).status).toBe(200);
  });

  it('does not hold a login refused by a full queue against the account', async () => {
    const { baseUrl } = await start({ PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '0' });
    const bob = await createUser(baseUrl, 'bob');
    const flood = await Promise.all(
      Array.from({ length: 5 }, () => login(baseUrl, bob.username, 'wrong password')),
    );
    const counts = tally(flood);
    expect(counts[503]).toBeGreaterThanOrEqual(1);
    // Only the evaluated guesses count: the right password still gets in.
    expect((await login(baseUrl, bob.username, bob.password)).status).toBe(200);
  });
});
