import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { closeAll, connectCall, party, type Party } from './support/call-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('signaling: bad input gets a clear error and the socket stays open', () => {
  let app: TestApp;
  let alice: Party;
  let bob: Party;

  beforeAll(async () => {
    app = await startTestApp();
    alice = await party(app.baseUrl, 'bad');
    bob = await party(app.baseUrl, 'badb');
  });
  afterAll(async () => {
    closeAll(alice, bob);
    await app.close();
  });

  const badFrames: [string, string, RegExp][] = [
    ['non-JSON', '{"type":', /not valid JSON/],
    ['a JSON array', '[1,2]', /JSON object/],
    ['a JSON string', '"call_start"', /JSON object/],
    ['null', 'null', /JSON object/],
    ['an unknown type', '{"type":"dance","toUser":"bob"}', /type must be one of/],
    ['a missing toUser', '{"type":"call_start"}', /toUser/],
    ['a toUser with a space', '{"type":"call_start","toUser":"bo b"}', /toUser/],
    ['a look-alike toUser', '{"type":"call_start","toUser":"аlice"}', /toUser/],
    ['msg not "1"/"0"', '{"type":"call_back","toUser":"bob","msg":"yes"}', /msg/],
    ['sdp not a string', '{"type":"offer","toUser":"bob","sdp":{"x":1}}', /sdp/],
    [
      'iceCandidate not an object',
      '{"type":"_ice","toUser":"bob","iceCandidate":"x"}',
      /iceCandidate/,
    ],
  ];

  for (const [what, frame, problem] of badFrames) {
    it(`answers ${what} with bad_request`, async () => {
      alice.ws.sendRaw(frame);
      const error = await alice.ws.next('error');
      expect(error.code).toBe('bad_request');
      expect(error.fromUser).toBe('system');
      expect(error.msg).toMatch(problem);
    });
  }

  it('answers a binary frame with bad_request', async () => {
    alice.ws.sendRaw(Buffer.from('{"type":"call_start","toUser":"bob"}'), true);
    expect((await alice.ws.next('error')).code).toBe('bad_request');
  });

  it('keeps working after all that: a call still goes through, nothing else changed', async () => {
    await bob.ws.expectSilence(50);
    await connectCall(alice, bob);
    alice.ws.send({ type: 'hangup', toUser: bob.user.username });
    expect((await bob.ws.next('hangup')).code).toBe('hangup');
  });

  it('closes a socket that sends a frame over 64 KiB with 1009', async () => {
    const victim = await party(app.baseUrl, 'big');
    victim.ws.sendRaw(JSON.stringify({ type: 'offer', toUser: 'bob', sdp: 'x'.repeat(65 * 1024) }));
    expect((await victim.ws.closed).code).toBe(1009);
  });

  it('rate-limits a flood (rate_limited, excess dropped) and closes a session that keeps going', async () => {
    const flooder = await party(app.baseUrl, 'flood');
    const peer = await party(app.baseUrl, 'floodb');
    await connectCall(flooder, peer);
    for (let i = 0; i < 300; i += 1) {
      flooder.ws.send({ type: '_ice', toUser: peer.user.username, iceCandidate: { n: i } });
    }
    const limited = await flooder.ws.next('error');
    expect(limited.code).toBe('rate_limited');
    let delivered = 0;
    while (delivered < 300) {
      try {
        await peer.ws.next('_ice', 300);
        delivered += 1;
      } catch {
        break;
      }
    }
    // The burst (200, one of which the call_start used) gets through; the rest is dropped.
    assert.ok(delivered >= 190 && delivered < 300, `delivered ${delivered} of 300`);
    for (let i = 0; i < 400; i += 1) {
      flooder.ws.send({ type: '_ice', toUser: peer.user.username, iceCandidate: { n: i } });
    }
    expect((await flooder.ws.closed).code).toBe(1008);
    let last = await peer.ws.receive();
    while (last.type === '_ice') {
      last = await peer.ws.receive(); // the few that the refilling bucket let through
    }
    expect([last.type, 'code' in last && last.code]).toStrictEqual(['hangup', 'disconnected']);
    peer.ws.close();
  });
});
