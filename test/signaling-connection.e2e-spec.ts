import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { closeAll, connectCall, party } from './support/call-fixtures.js';
import { SignalingClient } from './support/signaling-client.js';
import { createUser, startTestApp, type TestApp } from './support/test-app.js';

async function refusedStatus(
  app: TestApp,
  options: Parameters<typeof SignalingClient.open>[1],
): Promise<number | undefined> {
  const outcome = await SignalingClient.open(app.baseUrl, options);
  if ('client' in outcome) {
    outcome.client.close();
    return undefined;
  }
  return outcome.status;
}

describe('signaling: connecting', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      MAX_SESSIONS_PER_USER: '2',
      ALLOWED_ORIGINS: 'https://app.example',
    });
  });
  afterAll(() => app.close());

  it('answers an upgrade without a valid token with 401 and opens no socket', async () => {
    expect(await refusedStatus(app, {})).toBe(401);
    expect(await refusedStatus(app, { token: 'not.a.jwt' })).toBe(401);
    expect(await refusedStatus(app, { cookie: 'garbage' })).toBe(401);
    expect(await refusedStatus(app, { cookie: '%E0%A4%A' })).toBe(401);
    expect(await refusedStatus(app, { query: '?access_token=garbage' })).toBe(401);
  });

  it('accepts the Bearer header, the cookie from its own origin, and access_token', async () => {
    const user = await createUser(app.baseUrl, 'conn');
    expect(await refusedStatus(app, { token: user.token })).toBe(undefined);
    expect(await refusedStatus(app, { cookie: user.token, origin: app.baseUrl })).toBe(undefined);
    expect(await refusedStatus(app, { cookie: user.token, origin: 'https://app.example' })).toBe(
      undefined,
    );
    expect(await refusedStatus(app, { query: `?access_token=${user.token}` })).toBe(undefined);
  });

  it('refuses a cookie upgrade from a foreign Origin with 403', async () => {
    const user = await createUser(app.baseUrl, 'csrf');
    const status = await refusedStatus(app, { cookie: user.token, origin: 'https://evil.example' });
    expect(status).toBe(403);
  });

  it('welcomes the user by name', async () => {
    const user = await createUser(app.baseUrl, 'hello');
    const outcome = await SignalingClient.open(app.baseUrl, { token: user.token });
    assert.ok('client' in outcome);
    const welcome = await outcome.client.next('welcome');
    expect(welcome.protocol).toBe(1);
    expect(welcome.user.username).toBe(user.username);
    expect(typeof welcome.sessionId).toBe('string');
    outcome.client.close();
  });

  it('closes the oldest idle session (4000) past MAX_SESSIONS_PER_USER, never one in a call', async () => {
    const alice = await party(app.baseUrl, 'cap');
    const bob = await party(app.baseUrl, 'capb');
    await connectCall(alice, bob);
    const second = await SignalingClient.connect(app.baseUrl, alice.user.token);
    const third = await SignalingClient.connect(app.baseUrl, alice.user.token);
    const closed = await second.closed;
    expect(closed.code).toBe(4000);
    expect(closed.reason).toMatch(/Too many sessions/);
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'v=0' });
    expect((await bob.ws.next('offer')).sdp).toBe('v=0');
    third.close();
    closeAll(alice, bob);
  });
});

describe('signaling: liveness, expiry and shutdown', () => {
  it('drops a session that misses two pongs, and its peer is told', async () => {
    const app = await startTestApp({ WS_PING_INTERVAL_MS: '100' });
    try {
      const alice = await party(app.baseUrl, 'live');
      const bob = await createUser(app.baseUrl, 'dead');
      const socket = new WebSocket(`${app.baseUrl.replace('http', 'ws')}/signaling`, {
        headers: { authorization: `Bearer ${bob.token}` },
        autoPong: false,
      });
      await new Promise((resolve) => socket.once('message', resolve));
      alice.ws.send({ type: 'call_start', toUser: bob.username });
      await alice.ws.next('ringing');
      const closed = new Promise<number>((resolve) => socket.once('close', resolve));
      expect(await closed).toBe(1006);
      expect((await alice.ws.next('call_back', 1000)).code).toBe('offline');
      alice.ws.close();
    } finally {
      await app.close();
    }
  });

  it('closes with 4001 when the token expires, but only after the current call', async () => {
    const app = await startTestApp({ JWT_TTL: '2' });
    try {
      const idle = await party(app.baseUrl, 'idle');
      const alice = await party(app.baseUrl, 'exp');
      const bob = await party(app.baseUrl, 'expb');
      await connectCall(alice, bob);
      expect((await idle.ws.closed).code).toBe(4001);
      await alice.ws.expectSilence(800);
      alice.ws.send({ type: 'hangup', toUser: bob.user.username });
      expect((await bob.ws.next('hangup')).code).toBe('hangup');
      expect((await alice.ws.closed).code).toBe(4001);
      expect((await bob.ws.closed).code).toBe(4001);
    } finally {
      await app.close();
    }
  });

  it('on shutdown tells both parties of a call and closes every socket with 1001', async () => {
    const app = await startTestApp();
    const alice = await party(app.baseUrl, 'down');
    const bob = await party(app.baseUrl, 'downb');
    const idle = await party(app.baseUrl, 'downc');
    await connectCall(alice, bob);
    const closing = app.close();
    expect((await alice.ws.next('hangup')).code).toBe('server_shutdown');
    expect((await bob.ws.next('hangup')).code).toBe('server_shutdown');
    for (const p of [alice, bob, idle]) {
      expect((await p.ws.closed).code).toBe(1001);
    }
    await closing;
  });
});
