import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { closeAll, connectCall, party } from './support/call-fixtures.js';
import { isOnline, makeContacts, watchedParty } from './support/contacts.js';
import { createUser, startTestApp, type TestApp, type TestUser } from './support/test-app.js';

const PING_INTERVAL_MS = 200;

/** A raw client that answers no ping by itself (`autoPong: false`): the test decides what it sends. */
function silentClient(app: TestApp, user: TestUser): Promise<WebSocket> {
  const url = `${app.baseUrl.replace(/^http/, 'ws')}/signaling`;
  const socket = new WebSocket(url, {
    headers: { authorization: `Bearer ${user.token}` },
    autoPong: false,
  });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** The close code, or "open" if the socket is still open after 10 ping intervals. */
function closeCode(socket: WebSocket): Promise<number | 'open'> {
  return new Promise((resolve) => {
    socket.once('close', (code) => resolve(code));
    setTimeout(() => resolve('open'), 10 * PING_INTERVAL_MS);
  });
}

describe('signaling: liveness cannot be faked with pongs nobody asked for', () => {
  let app: TestApp;
  /** A contact of every user the tests watch (presence is shared with contacts only). */
  let observer: TestUser;

  /** A user the observer sees the presence of, not connected yet. */
  async function watched(prefix: string): Promise<TestUser> {
    const user = await createUser(app.baseUrl, prefix);
    await makeContacts(app.baseUrl, observer, user);
    return user;
  }

  beforeAll(async () => {
    app = await startTestApp({
      WS_PING_INTERVAL_MS: String(PING_INTERVAL_MS),
      AUTH_RATE_PER_ADDRESS: '100000',
      WS_UPGRADES_PER_ADDRESS: '1000000',
    });
    observer = await createUser(app.baseUrl, 'watch');
  });
  afterAll(() => app.close());

  it('drops a client that never answers pings but sends unsolicited pongs, and shows it offline', async () => {
    const faker = await watched('faker');
    const socket = await silentClient(app, faker);
    const pongs = setInterval(() => socket.pong(), PING_INTERVAL_MS / 4);
    const code = closeCode(socket);
    expect(await isOnline(app.baseUrl, observer, faker.username)).toBe(true);
    try {
      // Two unanswered pings, then dropped (no close frame) at the third interval.
      expect(await code).toBe(1006);
    } finally {
      clearInterval(pongs);
    }
    expect(await isOnline(app.baseUrl, observer, faker.username)).toBe(false);
  });

  it('drops a client that echoes an old ping instead of the latest one', async () => {
    const replayer = await watched('replay');
    const socket = await silentClient(app, replayer);
    const first = await new Promise<Buffer>((resolve) => socket.once('ping', resolve));
    const pongs = setInterval(() => socket.pong(first), PING_INTERVAL_MS / 4);
    try {
      expect(await closeCode(socket)).toBe(1006);
    } finally {
      clearInterval(pongs);
    }
    expect(await isOnline(app.baseUrl, observer, replayer.username)).toBe(false);
  });

  it('keeps a client that echoes each ping, and its call, for many intervals', async () => {
    const alice = await watchedParty(app.baseUrl, observer, 'live');
    const bob = await party(app.baseUrl, 'liveb');
    await connectCall(alice, bob);
    await new Promise((resolve) => setTimeout(resolve, 5 * PING_INTERVAL_MS));
    alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'v=0' });
    expect((await bob.ws.next('offer')).sdp).toBe('v=0');
    expect(await isOnline(app.baseUrl, observer, alice.user.username)).toBe(true);
    closeAll(alice, bob);
  });
});
