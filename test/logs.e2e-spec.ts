import assert from 'node:assert/strict';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { SUBPROTOCOL_V2 } from '../src/signaling/protocol.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { tryResume, welcomeV2, type V2Party } from './support/resume-fixtures.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { SignalingClient } from './support/signaling-client.js';
import { createUser, type TestUser } from './support/test-app.js';

type Line = Record<string, unknown>;

const REQUEST_ID = 'logs-e2e-request-1';
/** Markers inside the SDP and the ICE candidate: neither may reach the log. */
const SDP = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=sdp-marker-5f3a\r\n';
const CANDIDATE = 'candidate:842163049 1 udp 1677729535 198.51.100.7 ice-marker-9c1e typ srflx';

const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** The two signaling back ends log the same lines, but for the end of a session (see below). */
const BACKENDS: [
  string,
  () => Promise<{ env: Record<string, string>; database?: TestDatabase }>,
][] = [
  ['in memory', () => Promise.resolve({ env: {} })],
  [
    'on Redis',
    async () => {
      const database = await createTestDatabase();
      const env = {
        DATABASE_URL: database.url,
        REDIS_URL,
        REDIS_KEY_PREFIX: `dialtone-logs-${randomBytes(4).toString('hex')}:`,
      };
      return { env, database };
    },
  ],
];

/**
 * The built server in production (JSON lines on stdout) at LOG_LEVEL=trace, one process in
 * memory or on PostgreSQL and Redis, through a login, an HTTP request with an id, a WebSocket
 * opened with the token in its query, a call with an offer and an ICE candidate, a bad frame, a
 * refused upgrade, a drop and a resume: every line is JSON, the request and session lines carry
 * their ids, and no secret or media detail is written.
 */
describe.each(BACKENDS)('logs of a running server, signaling %s', (backend, setup) => {
  // With REDIS_URL a session's end is decided by Redis's scripts (any instance may end a resume
  // window), so the instance writes no "session ended" line.
  const ended = backend === 'in memory' ? ['session ended'] : [];
  let server: ServerProcess;
  let alice: TestUser;
  let bob: TestUser;
  let aliceSession: V2Party;
  let bobSessionId: string;
  let requestIdEcho: string | null;
  const resumeTokens: string[] = [];
  let lines: Line[];
  let output: string;

  beforeAll(async () => {
    const { env, database } = await setup();
    server = await startServerProcess({ ...env, LOG_LEVEL: 'trace' });
    try {
      await exercise();
    } finally {
      await server.stop(); // pino flushes at exit: everything is in the output after this
      await database?.drop();
    }
    output = server.output();
    lines = output
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Line);
  });

  async function exercise(): Promise<void> {
    const { baseUrl } = server;
    alice = await createUser(baseUrl, 'logsa');
    bob = await createUser(baseUrl, 'logsb');
    const me = await fetch(`${baseUrl}/users/me?access_token=${alice.token}`, {
      headers: { authorization: `Bearer ${alice.token}`, 'x-request-id': REQUEST_ID },
    });
    expect(me.status).toBe(200);
    requestIdEcho = me.headers.get('x-request-id');

    // Alice: protocol 2, the token in the query string; Bob: protocol 1, the token in a header.
    const opened = await SignalingClient.open(baseUrl, {
      query: `?access_token=${encodeURIComponent(alice.token)}`,
      protocols: [SUBPROTOCOL_V2],
    });
    assert.ok('client' in opened);
    opened.client.send({ type: 'ping' });
    const welcome = await welcomeV2(opened.client);
    await opened.client.next('pong');
    resumeTokens.push(welcome.resumeToken!);
    aliceSession = {
      user: alice,
      ws: opened.client,
      sessionId: welcome.sessionId,
      resumeToken: welcome.resumeToken!,
    };
    const bobWs = await SignalingClient.open(baseUrl, { token: bob.token });
    assert.ok('client' in bobWs);
    bobSessionId = (await bobWs.client.next('welcome')).sessionId;

    aliceSession.ws.send({ type: 'call_start', toUser: bob.username });
    await aliceSession.ws.next('ringing');
    await bobWs.client.next('call_start');
    bobWs.client.send({ type: 'call_back', toUser: alice.username, msg: '1' });
    await aliceSession.ws.next('call_back');
    aliceSession.ws.send({ type: 'offer', toUser: bob.username, sdp: SDP });
    expect((await bobWs.client.next('offer')).sdp).toBe(SDP);
    aliceSession.ws.send({
      type: '_ice',
      toUser: bob.username,
      iceCandidate: { candidate: CANDIDATE, sdpMid: '0', sdpMLineIndex: 0 },
    });
    await bobWs.client.next('_ice');
    bobWs.client.sendRaw('{"type":"offer"'); // unparseable: an `error` is sent
    await bobWs.client.next('error');

    const tampered = await SignalingClient.open(baseUrl, {
      query: `?access_token=${alice.token.slice(0, -4)}AAAA`,
    });
    expect(tampered).toStrictEqual({ status: 401 });

    // Alice's connection drops; she resumes on a new socket with her resume token.
    aliceSession.ws.socket.terminate();
    expect((await bobWs.client.next('peer_status')).status).toBe('reconnecting');
    const { ws, reply } = await tryResume(baseUrl, aliceSession);
    assert.equal(reply.type, 'resumed');
    resumeTokens.push(reply.resumeToken);
    expect((await bobWs.client.next('peer_status')).status).toBe('connected');
    ws.send({ type: 'hangup', toUser: bob.username });
    await bobWs.client.next('hangup');
    ws.socket.close(1000); // leaving on purpose: the session ends, no resume window
    bobWs.client.close();
    await Promise.all([ws.closed, bobWs.client.closed]);
    // The server sees a close after the client does: wait for its lines about both.
    await until(() => server.output().split('"msg":"socket closed"').length === 4);
  }

  const withMsg = (msg: string): Line[] => lines.filter((line) => line.msg === msg);

  it('writes one JSON object a line, with a level name, a time and a message', () => {
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) {
      expect(typeof line.level).toBe('string');
      expect(typeof line.time).toBe('string');
      expect(typeof line.msg).toBe('string');
    }
    const database = backend === 'in memory' ? 'sqlite' : 'postgres';
    expect(withMsg(`Dialtone listening on ${server.baseUrl} (${database})`)).toHaveLength(1);
  });

  it('gives each request an id, echoes it, and writes one access line without the query', () => {
    expect(requestIdEcho).toBe(REQUEST_ID);
    const access = lines.filter((line) => line.reqId === REQUEST_ID);
    expect(access).toStrictEqual([
      expect.objectContaining({
        level: 'info',
        context: 'Http',
        msg: 'request',
        method: 'GET',
        path: '/users/me',
        status: 200,
        durationMs: expect.any(Number),
      }),
    ]);
    const logins = withMsg('request').filter((line) => line.path === '/auth/login');
    expect(logins).toHaveLength(2);
    for (const login of logins) {
      expect(login.reqId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('carries the session id and user on the signaling lines', () => {
    const of = (sessionId: string): string[] =>
      lines.filter((line) => line.sessionId === sessionId).map((line) => String(line.msg));
    expect(of(aliceSession.sessionId)).toEqual(
      expect.arrayContaining([
        'session opened',
        'call started',
        'call answered',
        'socket closed',
        'session resumed',
        'call ended',
        ...ended,
      ]),
    );
    expect(of(bobSessionId)).toEqual(
      expect.arrayContaining(['session opened', 'error sent', 'socket closed', ...ended]),
    );
    expect(withMsg('session opened')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          sessionId: aliceSession.sessionId,
          user: alice.username,
          protocol: 2,
        }),
        expect.objectContaining({ sessionId: bobSessionId, user: bob.username, protocol: 1 }),
      ]),
    );
    expect(withMsg('socket closed')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sessionId: aliceSession.sessionId, code: 1006, away: true }),
      ]),
    );
    expect(withMsg('error sent')).toEqual([
      expect.objectContaining({ sessionId: bobSessionId, user: bob.username, code: 'bad_request' }),
    ]);
    expect(withMsg('call answered')).toEqual([
      expect.objectContaining({ peerSessionId: bobSessionId, caller: alice.username }),
    ]);
  });

  it('logs the refused upgrade with its token removed from the URL', () => {
    const refused = lines.filter((line) => String(line.msg).startsWith('401 for /signaling'));
    expect(refused).toHaveLength(1);
    expect(refused[0].msg).toBe('401 for /signaling?access_token=[redacted]');
  });

  it('never writes a token, the password, a resume token, the SDP or the ICE candidate', () => {
    const secrets = {
      "alice's token": alice.token,
      "bob's token": bob.token,
      "the token's signature": alice.token.split('.')[2],
      'the password': alice.password,
      'a resume token': resumeTokens[0],
      'the new resume token': resumeTokens[1],
      'the SDP': 'sdp-marker-5f3a',
      'the ICE candidate': 'ice-marker-9c1e',
      'the address in the candidate': '198.51.100.7',
    };
    for (const [what, secret] of Object.entries(secrets)) {
      assert.ok(secret && secret.length >= 8, `${what} is known`);
      assert.ok(!output.includes(secret), `${what} is in the log`);
    }
  });
});

describe('LOG_FORMAT=pretty, LOG_LEVEL=error', () => {
  it('still says where it listens (scripts wait for it), in a readable line, and nothing below error', async () => {
    const server = await startServerProcess({ LOG_FORMAT: 'pretty', LOG_LEVEL: 'error' });
    try {
      expect((await fetch(`${server.baseUrl}/login`)).status).toBe(200);
    } finally {
      await server.stop();
    }
    expect(server.output()).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[Main\] Dialtone listening on http:\/\/127\.0\.0\.1:\d+ \(sqlite\)/m,
    );
    expect(server.output().trim().split('\n')).toHaveLength(1);
  });
});

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    assert.ok(Date.now() < deadline, 'the log did not say it in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
