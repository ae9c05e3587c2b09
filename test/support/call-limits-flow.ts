import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CallHistoryEntryDto } from '../../src/calls/dto/call-history.dto.js';
import { closeAll, party, ring, type Party } from './call-fixtures.js';
import { createUser, type TestApp, type TestUser } from './test-app.js';

/** The limits the flow runs under (small, so that the test sees them quickly). */
export const CALL_LIMITS_ENV = {
  CALL_STARTS_PER_CALLEE: '3',
  CALL_STARTS_PER_CALLER: '6',
  CALL_STARTS_WINDOW: '5m',
  CALL_COOLDOWN: '1',
  HISTORY_MAX_PER_USER: '5',
  HISTORY_MERGE_WINDOW: '10m',
  AUTH_RATE_PER_ADDRESS: '100000',
  WS_UPGRADES_PER_ADDRESS: '1000000',
};

async function historyOf(app: TestApp, user: TestUser): Promise<CallHistoryEntryDto[]> {
  const response = await fetch(`${app.baseUrl}/calls?limit=50`, {
    headers: { authorization: `Bearer ${user.token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as CallHistoryEntryDto[];
}

/**
 * The user's history once `settled` holds: history is written off the signaling path, so it
 * lags the replies by a few milliseconds. Returns the last one read either way.
 */
async function historyWhen(
  app: TestApp,
  user: TestUser,
  settled: (entries: CallHistoryEntryDto[]) => boolean,
): Promise<CallHistoryEntryDto[]> {
  let entries = await historyOf(app, user);
  for (let i = 0; i < 50 && !settled(entries); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    entries = await historyOf(app, user);
  }
  return entries;
}

/**
 * The codes of the next `count` replies (`call_back` codes, or `<type>:<code>`), sorted: a
 * refused call_start is answered at once, an admitted one after the account look-up.
 */
async function replyCodes(caller: Party, count: number): Promise<string[]> {
  const codes: string[] = [];
  for (let i = 0; i < count; i++) {
    const reply = await caller.ws.receive();
    codes.push(
      reply.type === 'call_back'
        ? String(reply.code)
        : `${reply.type}:${'code' in reply ? String(reply.code) : ''}`,
    );
  }
  return codes.sort();
}

/**
 * Ring-bombing and history-flood limits as a user sees them, run against whichever database
 * `start` wires up (SQLite in the e2e suite, PostgreSQL in the integration suite). `start` must
 * pass CALL_LIMITS_ENV.
 */
export function describeCallLimits(title: string, start: () => Promise<TestApp>): void {
  describe(title, () => {
    let app: TestApp;

    beforeAll(async () => {
      app = await start();
    });
    afterAll(() => app.close());

    it('a burst of 99 call_starts to one account: 3 go through, 96 are rate_limited; one history entry ×3', async () => {
      const mallory = await party(app.baseUrl, 'bomb');
      const victim = await createUser(app.baseUrl, 'victim'); // offline: every attempt is a miss
      for (let i = 0; i < 99; i++) {
        mallory.ws.send({ type: 'call_start', toUser: victim.username });
      }
      expect(await replyCodes(mallory, 99)).toStrictEqual([
        ...Array<string>(3).fill('offline'),
        ...Array<string>(96).fill('rate_limited'),
      ]);
      await mallory.ws.expectSilence();

      const [entry, ...rest] = await historyWhen(app, victim, (e) => e[0]?.attempts === 3);
      expect(rest).toStrictEqual([]);
      expect(entry).toMatchObject({
        direction: 'incoming',
        peer: mallory.user.username,
        missed: true,
        endCode: 'offline',
        attempts: 3,
      });
      expect(await historyWhen(app, mallory.user, (e) => e[0]?.attempts === 3)).toMatchObject([
        { direction: 'outgoing', peer: victim.username, attempts: 3 },
      ]);
      mallory.ws.close();
    });

    it('limits a caller across all callees (CALL_STARTS_PER_CALLER), not anyone else', async () => {
      const caller = await party(app.baseUrl, 'many');
      const other = await party(app.baseUrl, 'other');
      const callees = await Promise.all(
        Array.from({ length: 7 }, () => createUser(app.baseUrl, 'far')),
      );
      for (const callee of callees) {
        caller.ws.send({ type: 'call_start', toUser: callee.username });
      }
      expect(await replyCodes(caller, 7)).toStrictEqual([
        ...Array<string>(6).fill('offline'),
        'rate_limited',
      ]);
      other.ws.send({ type: 'call_start', toUser: callees[6].username });
      expect((await other.ws.next('call_back')).code).toBe('offline');
      closeAll(caller, other);
    });

    it('after a decline the caller cannot ring that callee again until CALL_COOLDOWN; a cancel costs nothing', async () => {
      const alice = await party(app.baseUrl, 'cool');
      const bob = await party(app.baseUrl, 'coolb');
      await ring(alice, bob);
      alice.ws.send({ type: 'hangup', toUser: bob.user.username });
      expect((await bob.ws.next('hangup')).code).toBe('cancelled');
      await ring(alice, bob); // a cancel (a mis-click) starts no cooldown
      bob.ws.send({ type: 'call_back', toUser: alice.user.username, msg: '0' });
      expect((await alice.ws.next('call_back')).code).toBe('rejected');
      alice.ws.send({ type: 'call_start', toUser: bob.user.username });
      const refused = await alice.ws.next('call_back');
      expect(refused).toMatchObject({
        fromUser: 'system',
        code: 'rate_limited',
        reason: 'declined_recently',
        retryAfter: 1,
      });
      expect(refused.msg).toMatch(/wait a moment/);
      await bob.ws.expectSilence(); // bob's phone did not ring
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await ring(alice, bob); // cooled down: rings again
      alice.ws.send({ type: 'hangup', toUser: bob.user.username });
      expect((await bob.ws.next('hangup')).code).toBe('cancelled');
      closeAll(alice, bob);
    });

    it('keeps HISTORY_MAX_PER_USER entries per user, the newest', async () => {
      const popular = await createUser(app.baseUrl, 'popular');
      const callers: Party[] = [];
      for (let i = 0; i < 7; i++) {
        const caller = await party(app.baseUrl, `fan${i}`);
        caller.ws.send({ type: 'call_start', toUser: popular.username });
        expect((await caller.ws.next('call_back')).code).toBe('offline');
        callers.push(caller);
      }
      const entries = await historyWhen(
        app,
        popular,
        (e) => e.length === 5 && e[0].peer === callers[6].user.username,
      );
      expect(entries.map((e) => e.peer)).toStrictEqual(
        callers
          .slice(2)
          .reverse()
          .map((c) => c.user.username),
      );
      closeAll(...callers);
    });
  });
}
