// Protocol 2 in the call page: a call survives its signaling WebSocket being cut, as the two
// people in it see it (and as getStats shows the media between them).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import type { BrowserContext } from 'playwright-core';
import { en } from '../src/i18n/en.js';
import { format } from '../src/i18n/translation.js';
import { SessionRegistry } from '../src/signaling/session-registry.js';
import { CallPageDriver } from './browser/call-page-driver.js';
import { browserSuite } from './browser/browser-suite.js';
import { eventually } from './browser/eventually.js';
import { inboundBytes } from './browser/probe.js';
import { createUser, startTestApp, type TestApp } from './support/test-app.js';

const RECONNECTING = en.ui.statusReconnectingCall;

interface Person {
  context: BrowserContext;
  page: CallPageDriver;
}

/** Cuts the page's signaling socket on the server's side (no close frame), as a dead network. */
function cutSignaling(app: TestApp, person: Person): string {
  const [session, ...others] = app.app
    .get(SessionRegistry)
    .sessionsOf(person.page.account.username);
  assert.ok(session && others.length === 0, 'one session');
  session.socket.terminate();
  return session.id;
}

/** Inbound video bytes on the page's one peer connection, read `times` times `everyMs` apart. */
async function inboundSamples(person: Person, times: number, everyMs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) {
    samples.push(await person.page.page.evaluate(inboundBytes, 'video'));
    await sleep(everyMs);
  }
  return samples;
}

function strictlyGrowing(samples: number[]): boolean {
  return samples.every((value, i) => i === 0 || value > samples[i - 1]);
}

describe('the call page keeps a call through a dropped signaling connection', () => {
  const suite = browserSuite();

  async function person(on: TestApp, prefix: string): Promise<Person> {
    const context = await suite.newContext();
    const { username, password } = await createUser(on.baseUrl, prefix);
    return {
      context,
      page: await CallPageDriver.logIn(context, on.baseUrl, { username, password }),
    };
  }

  async function connectedCall(on: TestApp): Promise<[Person, Person]> {
    const alice = await person(on, 'alice');
    const bob = await person(on, 'bob');
    await alice.page.dial(bob.page.account.username);
    await bob.page.accept();
    await Promise.all([alice.page.waitForRemoteVideo(), bob.page.waitForRemoteVideo()]);
    await alice.page.waitForCallState('connected');
    await bob.page.waitForCallState('connected');
    return [alice, bob];
  }

  it('1. cut and kept away for a while: both show "Reconnecting…", media flows throughout, both come back, hang-up is normal', async () => {
    const app = suite.app;
    const [alice, bob] = await connectedCall(app);
    const connectedWith = (peer: Person): string =>
      format(en.ui.statusConnected, { peer: peer.page.account.username });
    await alice.page.waitForStatus(connectedWith(bob));
    const timerBefore = await alice.page.page.locator('#call-timer').innerText();

    // alice's network keeps her away from the server until we let her back.
    await alice.context.setOffline(true);
    const sessionId = cutSignaling(app, alice);

    // (a) both pages say so, in their status live region.
    await alice.page.waitForStatus(RECONNECTING);
    await bob.page.waitForStatus(RECONNECTING);
    for (const side of [alice, bob]) {
      const region = side.page.page.getByRole('status').filter({ hasText: RECONNECTING });
      expect(await region.count()).toBe(1);
    }

    // (b) the media between them never stopped: inbound video bytes grow on both sides, sampled
    // across the whole time alice is away.
    const [aliceBytes, bobBytes] = await Promise.all([
      inboundSamples(alice, 6, 500),
      inboundSamples(bob, 6, 500),
    ]);
    assert.ok(strictlyGrowing(aliceBytes), `alice inbound: ${aliceBytes.join(' ')}`);
    assert.ok(strictlyGrowing(bobBytes), `bob inbound: ${bobBytes.join(' ')}`);
    // …while both still said "Reconnecting…" (alice was away all along) and kept the call.
    for (const side of [alice, bob]) {
      expect([await side.page.statusText(), await side.page.callState()]).toStrictEqual([
        RECONNECTING,
        'connected',
      ]);
    }

    // (c) back online: the page resumes at once (the `online` event), and the state clears.
    await bob.page.page.screenshot({ path: '/tmp/x/bob-reconnecting.png' });
    await alice.context.setOffline(false);
    await alice.page.waitForStatus(connectedWith(bob));
    await bob.page.waitForStatus(connectedWith(alice));
    const [now, ...more] = app.app.get(SessionRegistry).sessionsOf(alice.page.account.username);
    expect([now.id, more.length]).toStrictEqual([sessionId, 0]); // the same session, resumed
    // The same call: one peer connection, and its timer went on rather than restarting.
    const timerAfter = await alice.page.page.locator('#call-timer').innerText();
    assert.ok(timerAfter >= timerBefore, `timer ${timerBefore} -> ${timerAfter}`);
    await Promise.all([
      alice.page.waitForInboundGrowing('video'),
      bob.page.waitForInboundGrowing('video'),
    ]);

    // (d) the call then ends normally.
    await alice.page.hangUp();
    await bob.page.waitForStatus(
      format(en.ui.statusEnded, {
        reason: format(en.codes.hangup, { peer: alice.page.account.username }),
      }),
    );
    await alice.page.waitForStatus(format(en.ui.statusEnded, { reason: en.ui.youHungUp }));
    await alice.page.waitForCallState('idle');
    await bob.page.waitForCallState('idle');
  });

  it('2. kept away past the resume window: both pages end the call', async () => {
    const app = await startTestApp({ RESUME_WINDOW_MS: '3000' });
    try {
      const [alice, bob] = await connectedCall(app);
      await alice.context.setOffline(true);
      cutSignaling(app, alice);
      await bob.page.waitForStatus(RECONNECTING);

      const ended = (reason: string): string => format(en.ui.statusEnded, { reason });
      await bob.page.waitForStatus(
        ended(format(en.codes.disconnected, { peer: alice.page.account.username })),
        8000,
      );
      await alice.page.waitForStatus(ended(en.ui.serverConnectionLost), 8000);
      await alice.page.waitForCallState('idle');
      await bob.page.waitForCallState('idle');

      // Back on the network, alice's page is simply online again, with a new session.
      await alice.context.setOffline(false);
      await alice.page.waitForConnection('online', 10_000);
      await eventually(() => {
        expect(app.app.get(SessionRegistry).sessionsOf(alice.page.account.username).length).toBe(1);
      });
      expect(await alice.page.statusText()).toBe(ended(en.ui.serverConnectionLost));
    } finally {
      await app.close();
    }
  });
});
