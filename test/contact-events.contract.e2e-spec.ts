import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { type ContactEvents, contactEvent } from '../src/contacts/contact-events.js';
import type { AccountEventMessage } from '../src/signaling/protocol.js';
import { eventually } from './browser/eventually.js';
import { ENGINES, type EngineUnderTest } from './support/engines.js';

/**
 * Contact events, one behaviour on every engine (SignalingEngine.contactEvents): in process in
 * memory (LocalContactEvents), on the bus with Redis (ClusterContactEvents), so that whichever
 * instance holds the user's sockets delivers. Redis on 127.0.0.1:6379 under a prefix of its own.
 */
describe.each(ENGINES)('contact events contract: %s', (name, create) => {
  let deployment: EngineUnderTest;
  let events: ContactEvents;

  beforeEach(async () => {
    deployment = await create();
    events = deployment.instance.engine.contactEvents();
  });

  afterEach(async () => {
    await deployment.teardown();
  });

  /** Every message `events` delivers, in order. */
  function heard(on: ContactEvents): AccountEventMessage[] {
    const messages: AccountEventMessage[] = [];
    on.subscribe((message) => messages.push(message));
    return messages;
  }

  /**
   * Publishes a last marker and waits for it: the events published before it have all arrived
   * by then (one channel keeps order), so a count taken afterwards is final.
   */
  async function settled(
    on: ContactEvents,
    messages: AccountEventMessage[],
  ): Promise<AccountEventMessage[]> {
    const marker = contactEvent.removed('marker', 'end');
    on.publish(marker);
    await eventually(
      () =>
        assert.ok(
          messages.some((m) => m.toUser === 'marker'),
          'the marker',
        ),
      3000,
      10,
    );
    return messages.filter((m) => m.toUser !== 'marker');
  }

  it('every subscriber hears each published event once, as it was published', async () => {
    const first = heard(events);
    const second = heard(events);
    const request = contactEvent.request('bob', { username: 'alice', displayName: 'Alice A.' });
    events.publish(request);
    expect(await settled(events, first)).toStrictEqual([request]);
    expect(await settled(events, second)).toStrictEqual([request]);
  });

  it('events arrive in the order they were published, each kind intact', async () => {
    const messages = heard(events);
    const sent = [
      contactEvent.request('bob', { username: 'alice', displayName: 'Ålice "quoted"' }),
      contactEvent.accepted('alice', { username: 'bob', displayName: 'Bob' }, true),
      contactEvent.presence('alice', 'bob', false),
      contactEvent.removed('bob', 'alice'),
    ];
    sent.forEach((message) => events.publish(message));
    expect(await settled(events, messages)).toStrictEqual(sent);
  });

  it('a subscriber added later hears only what is published after it', async () => {
    const early = heard(events);
    events.publish(contactEvent.presence('bob', 'alice', true));
    await settled(events, early);
    const late = heard(events);
    const after = contactEvent.presence('bob', 'alice', false);
    events.publish(after);
    expect(await settled(events, late)).toStrictEqual([after]);
  });

  if (name === 'redis') {
    // Memory is one process: no other instance to hear it.
    it('every instance hears an event published on any of them, once', async () => {
      const other = (await deployment.addInstance())!;
      const otherEvents = other.engine.contactEvents();
      const here = heard(events);
      const there = heard(otherEvents);
      const request = contactEvent.request('bob', { username: 'alice', displayName: 'Alice' });
      otherEvents.publish(request);
      expect(await settled(otherEvents, there)).toStrictEqual([request]);
      expect(await settled(otherEvents, here)).toStrictEqual([request]);
    });
  }
});
