import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Presence } from '../src/users/presence.js';
import { eventually } from './browser/eventually.js';
import { ENGINES, type EngineUnderTest } from './support/engines.js';

/**
 * Presence, one behaviour on every engine (SignalingEngine.presence): memory counts this process's
 * sessions (LocalPresence), Redis counts every instance's in its open and end scripts
 * (ClusterPresence), on 127.0.0.1:6379 under a key prefix of its own.
 */
describe.each(ENGINES)('presence contract: %s', (name, create) => {
  let deployment: EngineUnderTest;
  let presence: Presence;
  let changes: string[];

  beforeEach(async () => {
    deployment = await create();
    presence = await deployment.instance.engine.presence();
    changes = [];
    presence.onChange((username) => changes.push(`${username}:${presence.isOnline(username)}`));
  });

  afterEach(async () => {
    await deployment.teardown();
  });

  const openSession = (username: string) => deployment.instance.openSession(username);
  const closeSession = (id: string) => deployment.instance.closeSession(id);

  it('a user is online from their first session until their last one ends; each change is heard once', async () => {
    expect(presence.isOnline('alice')).toBe(false);
    const phone = await openSession('alice');
    const laptop = await openSession('alice');
    await openSession('bob');
    expect(presence.isOnline('alice')).toBe(true);
    await closeSession(phone);
    expect(presence.isOnline('alice')).toBe(true);
    await closeSession(laptop);
    expect(presence.isOnline('alice')).toBe(false);
    expect(presence.isOnline('bob')).toBe(true);
    expect(changes).toStrictEqual(['alice:true', 'bob:true', 'alice:false']);
  });

  it('a session that already ended changes nothing when it ends again', async () => {
    const first = await openSession('alice');
    const second = await openSession('alice');
    await closeSession(first);
    await closeSession(first);
    expect(presence.isOnline('alice')).toBe(true);
    await closeSession(second);
    expect(changes).toStrictEqual(['alice:true', 'alice:false']);
  });

  it('usernames are told apart exactly: another user, or a prefix, is not online', async () => {
    await openSession('alice');
    expect(presence.isOnline('alic')).toBe(false);
    expect(presence.isOnline('alice2')).toBe(false);
    expect(presence.isOnline('bob')).toBe(false);
  });

  it('every listener hears every change', async () => {
    const second: string[] = [];
    presence.onChange((username) => second.push(username));
    const id = await openSession('carol');
    await closeSession(id);
    expect(second).toStrictEqual(['carol', 'carol']);
    expect(changes).toStrictEqual(['carol:true', 'carol:false']);
  });

  if (name === 'redis') {
    // Memory is one process: these have no memory counterpart.
    it('every instance reads the same presence; the change is heard once, where it was made', async () => {
      const other = (await deployment.addInstance())!;
      const otherPresence = await other.engine.presence();
      const heardThere: string[] = [];
      otherPresence.onChange((username) => heardThere.push(username));
      const id = await openSession('alice');
      await eventually(
        () => assert.ok(otherPresence.isOnline('alice'), 'alice online on the other instance'),
        3000,
        10,
      );
      await other.closeSession(id);
      await eventually(
        () => assert.ok(!presence.isOnline('alice'), 'alice offline here'),
        3000,
        10,
      );
      expect(changes).toStrictEqual(['alice:true']);
      expect(heardThere).toStrictEqual(['alice']);
    });

    it('an instance that starts later reads who is already online', async () => {
      await openSession('alice');
      const later = (await deployment.addInstance())!;
      expect((await later.engine.presence()).isOnline('alice')).toBe(true);
    });
  }
});
