import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { LoginThrottle } from '../src/auth/login-throttle.js';
import type { RateBuckets } from '../src/auth/rate-buckets.js';
import { ENGINES, type EngineUnderTest } from './support/engines.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The request budgets and the login lock-out, one behaviour on every engine
 * (SignalingEngine.rateBuckets / loginThrottle): LocalRateBuckets and LoginAttempts in memory,
 * ClusterRateBuckets and ClusterLoginThrottle (Lua, Redis's clock) on 127.0.0.1:6379 under a key
 * prefix of its own. Where they may differ (memory slides the lock-out window, Redis starts it at
 * the first failure) the scenarios assert the bound both keep.
 */
describe.each(ENGINES)('rate limits contract: %s', (_name, create) => {
  let deployment: EngineUnderTest;

  beforeEach(async () => {
    deployment = await create();
  });

  afterEach(async () => {
    await deployment.teardown();
  });

  describe('request budgets', () => {
    let buckets: RateBuckets;

    beforeEach(() => {
      buckets = deployment.instance.engine.rateBuckets();
    });

    async function takeAll(budget: string, key: string, perMinute: number, n: number) {
      const waits: number[] = [];
      for (let i = 0; i < n; i++) {
        waits.push(await buckets.take(budget, key, perMinute));
      }
      return waits;
    }

    it('grants a burst of perMinute, then refuses with the seconds until the next token', async () => {
      expect(await takeAll('search', '10.0.0.1', 3, 5)).toStrictEqual([0, 0, 0, 20, 20]);
    });

    it('keeps one bucket per budget and key', async () => {
      expect(await takeAll('search', 'a', 2, 3)).toStrictEqual([0, 0, 30]);
      expect(await takeAll('search', 'b', 2, 1)).toStrictEqual([0]);
      expect(await takeAll('contacts', 'a', 2, 1)).toStrictEqual([0]);
      expect(await takeAll('search', '', 2, 1)).toStrictEqual([0]);
    });

    it('requests at once never get more than the burst', async () => {
      const waits = await Promise.all(
        Array.from({ length: 12 }, () => buckets.take('login', 'crowd', 5)),
      );
      expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
      expect(waits.filter((wait) => wait === 12)).toHaveLength(7);
    });

    it('refills at perMinute: an empty bucket grants again once a token has grown back', async () => {
      // 1200 a minute: a token every 50 ms.
      let granted = 0;
      while ((await buckets.take('fast', 'k', 1200)) === 0) {
        granted += 1;
        expect(granted).toBeLessThan(2400);
      }
      expect(granted).toBeGreaterThanOrEqual(1200);
      expect(await buckets.take('fast', 'k', 1200)).toBe(1);
      await sleep(120);
      expect(await buckets.take('fast', 'k', 1200)).toBe(0);
    });
  });

  describe('login lock-out', () => {
    const limits = { maxFailures: 3, windowMs: 60_000 };
    let throttle: LoginThrottle;

    beforeEach(() => {
      throttle = deployment.instance.engine.loginThrottle(limits);
    });

    /** The seconds each of `n` attempts in a row is told to wait (0: it goes ahead). */
    async function attempts(username: string, client: string, n: number): Promise<number[]> {
      const waits: number[] = [];
      for (let i = 0; i < n; i++) {
        waits.push(await throttle.begin(username, client));
      }
      return waits;
    }

    /** Each attempt as 'go' or 'refused'. */
    async function outcomes(username: string, client: string, n: number): Promise<string[]> {
      const waits = await attempts(username, client, n);
      return waits.map((wait) => (wait === 0 ? 'go' : 'refused'));
    }

    it('maxFailures attempts go ahead; the next are refused for the rest of the window', async () => {
      // The lock-out lasts until the window that holds the failures has passed (60 s here).
      const waits = await attempts('alice', '10.0.0.1', 5);
      expect(waits.slice(0, 3)).toStrictEqual([0, 0, 0]);
      for (const wait of waits.slice(3)) {
        expect(wait).toBeGreaterThanOrEqual(59);
        expect(wait).toBeLessThanOrEqual(60);
      }
    });

    it('a success forgets the failures of that account and address', async () => {
      await attempts('alice', '10.0.0.1', 2);
      await throttle.succeeded('alice', '10.0.0.1');
      expect(await outcomes('alice', '10.0.0.1', 4)).toStrictEqual(['go', 'go', 'go', 'refused']);
    });

    it('an abandoned attempt (never evaluated) is given back', async () => {
      await attempts('alice', '10.0.0.1', 3);
      await throttle.abandon('alice', '10.0.0.1');
      expect(await outcomes('alice', '10.0.0.1', 2)).toStrictEqual(['go', 'refused']);
    });

    it('abandoning with nothing counted changes nothing', async () => {
      await throttle.abandon('alice', '10.0.0.1');
      expect(await outcomes('alice', '10.0.0.1', 4)).toStrictEqual(['go', 'go', 'go', 'refused']);
    });

    it('counts per account and address; the account name in any case is one account', async () => {
      await attempts('Alice', '10.0.0.1', 3);
      expect(await throttle.begin('ALICE', '10.0.0.1')).toBeGreaterThan(0);
      expect(await throttle.begin('alice', '10.0.0.2')).toBe(0);
      expect(await throttle.begin('bob', '10.0.0.1')).toBe(0);
    });

    it('attempts at once never get more than maxFailures through', async () => {
      const waits = await Promise.all(
        Array.from({ length: 10 }, async () => throttle.begin('alice', '10.0.0.9')),
      );
      expect(waits.filter((wait) => wait === 0)).toHaveLength(3);
    });

    it('once the window has passed, attempts go ahead again', async () => {
      const short = deployment.instance.engine.loginThrottle({ maxFailures: 2, windowMs: 300 });
      expect(await short.begin('carol', 'c')).toBe(0);
      expect(await short.begin('carol', 'c')).toBe(0);
      expect(await short.begin('carol', 'c')).toBe(1);
      await sleep(350);
      expect(await short.begin('carol', 'c')).toBe(0);
    });
  });
});
