import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_SDP_CHARS } from '../src/signaling/protocol.js';
import { closeAll, connectCall, party, type Party } from './support/call-fixtures.js';
import { isOnline, watchedParty } from './support/contacts.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { createUser } from './support/test-app.js';

const MiB = 1024 * 1024;
const PAIRS = 4;
/** Each attacker stays under the default message rate limit: a burst of 190, then 40 a second. */
const BURST = 190;
const OFFERS_PER_TICK = 4;
const TICK_MS = 100;
/** A reader that stopped reading must be dropped within this (it takes a second or two). */
const DROP_DEADLINE_MS = 12_000;
const sdp = 'a'.repeat(MAX_SDP_CHARS - 100);

/** The client stops reading: its TCP socket is paused, so the server's sends pile up. */
function stopReading(victim: Party): void {
  (victim.ws.socket as unknown as { _socket: Socket })._socket.pause();
}

function resumeReading(victim: Party): void {
  (victim.ws.socket as unknown as { _socket: Socket })._socket.resume();
}

describe('signaling: a client that stops reading is dropped, and the server stays small', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess({
      AUTH_RATE_PER_ADDRESS: '100000',
      WS_UPGRADES_PER_ADDRESS: '1000000',
      WS_MAX_BUFFERED_BYTES: String(MiB),
    });
  });
  afterAll(() => server.stop());

  it('drops each reader that stopped reading (peer: hangup "disconnected", shown offline)', async () => {
    const control = [await party(server.baseUrl, 'ctl'), await party(server.baseUrl, 'ctlb')];
    await connectCall(control[0], control[1]);
    // Sees the readers' presence (a contact of each; presence is shared with contacts only).
    const watcher = await createUser(server.baseUrl, 'watch');
    const pairs: [Party, Party][] = [];
    for (let i = 0; i < PAIRS; i++) {
      const sender = await party(server.baseUrl, 'pump');
      const reader = await watchedParty(server.baseUrl, watcher, 'sink');
      await connectCall(sender, reader);
      stopReading(reader);
      pairs.push([sender, reader]);
    }
    const rssBefore = server.rssBytes();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, server.rssBytes());
    }, 50);
    let sentBytes = 0;
    const pumps = pairs.map(([sender, reader]) => {
      const offer = JSON.stringify({ type: 'offer', toUser: reader.user.username, sdp });
      const pump = (count: number): void => {
        for (let i = 0; i < count; i++) {
          sender.ws.sendRaw(offer);
          sentBytes += offer.length;
        }
      };
      pump(BURST);
      const timer = setInterval(() => pump(OFFERS_PER_TICK), TICK_MS);
      return sender.ws.next('hangup', DROP_DEADLINE_MS).finally(() => clearInterval(timer));
    });
    const report = (): string =>
      `the server grew by ${((rssPeak - rssBefore) / MiB).toFixed(1)} MiB ` +
      `while ${(sentBytes / MiB).toFixed(1)} MiB was relayed to readers that do not read`;
    try {
      const hangups = await Promise.all(pumps).catch((error: unknown) =>
        assert.fail(`${String(error)}: no reader was dropped; ${report()}`),
      );
      expect(hangups.map((h) => h.code)).toStrictEqual(Array(PAIRS).fill('disconnected'));
    } finally {
      clearInterval(sampler);
    }

    // The others never noticed: the control call still relays both ways.
    control[0].ws.send({ type: 'offer', toUser: control[1].user.username, sdp: 'v=0' });
    expect((await control[1].ws.next('offer')).sdp).toBe('v=0');
    control[1].ws.send({ type: 'answer', toUser: control[0].user.username, sdp: 'v=0 a' });
    expect((await control[0].ws.next('answer')).sdp).toBe('v=0 a');

    // The readers are gone: offline in the directory, and their sockets closed once they look.
    for (const [, reader] of pairs) {
      expect(await isOnline(server.baseUrl, watcher, reader.user.username)).toBe(false);
      resumeReading(reader);
      expect([1006, 1013]).toContain((await reader.ws.closed).code);
    }

    // Each dropped reader held at most WS_MAX_BUFFERED_BYTES (plus one message) in the server;
    // the rest of what was relayed sat in the kernel's socket buffers until the drop freed it.
    assert.ok(rssPeak - rssBefore < 48 * MiB, report());
    assert.ok(server.alive());
    closeAll(...control, ...pairs.flat());
  });
});
