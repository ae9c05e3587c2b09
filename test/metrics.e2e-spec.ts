import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { closeAll, connectCall, party, ring, type Party } from './support/call-fixtures.js';
import { call } from './support/http.js';
import { partyV2 } from './support/resume-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const TOKEN = 'metrics-test-' + 'k'.repeat(24);

describe('GET /metrics', () => {
  it('is 404 without METRICS_TOKEN, whatever the request carries', async () => {
    const app = await startTestApp();
    try {
      const reply = await call(app.baseUrl, 'GET', '/metrics', {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(reply.status).toBe(404);
      expect(reply.json().message).toMatch(/METRICS_TOKEN/);
    } finally {
      await app.close();
    }
  });

  it('counts the HTTP refusals (429) by budget, and the login lock-out', async () => {
    const app = await startTestApp({
      METRICS_TOKEN: TOKEN,
      AUTH_RATE_PER_ADDRESS: '3',
      LOGIN_MAX_FAILURES: '1',
    });
    try {
      const statuses = [];
      const json = { username: 'budget1', password: 'correct horse battery' };
      const wrong = { ...json, password: 'not the password' };
      for (const [path, body] of [
        ['/auth/register', json],
        ['/auth/login', wrong], // the one failure the lock-out allows
        ['/auth/login', json], // locked out
        ['/auth/login', json], // over the address's budget of 3
      ] as const) {
        statuses.push((await call(app.baseUrl, 'POST', path, { json: body })).status);
      }
      expect(statuses).toStrictEqual([201, 401, 429, 429]);
      const metrics = await call(app.baseUrl, 'GET', '/metrics', {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(metrics.text).toContain('dialtone_rate_limit_hits_total{limiter="http:account"} 1\n');
      expect(metrics.text).toContain('dialtone_rate_limit_hits_total{limiter="login_lockout"} 1\n');
      expect(metrics.text).not.toContain('limiter="http:account-global"');
    } finally {
      await app.close();
    }
  });

  describe('with METRICS_TOKEN', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ METRICS_TOKEN: TOKEN, RESUME_WINDOW_MS: '300' });
    });
    afterAll(() => app.close());

    async function scrape(): Promise<(name: string) => number> {
      const reply = await call(app.baseUrl, 'GET', '/metrics', {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
      const values = new Map<string, number>();
      for (const line of reply.text.split('\n')) {
        const match = /^(\S+) (\S+)$/.exec(line);
        if (match) {
          values.set(match[1], Number(match[2]));
        }
      }
      return (name) => values.get(name) ?? 0;
    }

    /** Scrapes until `check` holds (a close reaches the server a moment after the client's). */
    async function eventually(check: (metric: (name: string) => number) => boolean) {
      for (let attempt = 0; attempt < 50; attempt += 1) {
        if (check(await scrape())) {
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('the metrics never reached the expected values');
    }

    it.each([
      ['no Authorization header', {}],
      ['a wrong token', { authorization: 'Bearer wrong-token-of-some-length-000' }],
      ['the token without "Bearer"', { authorization: TOKEN }],
      ['the token as Basic', { authorization: `Basic ${TOKEN}` }],
    ])('answers 401 with a JSON message to %s', async (_, headers) => {
      const reply = await call(app.baseUrl, 'GET', '/metrics', { headers });
      expect(reply.status).toBe(401);
      expect(reply.json().message).toBe(
        'Metrics need the header "Authorization: Bearer <METRICS_TOKEN>"',
      );
      expect(reply.text).not.toContain('dialtone_');
    });

    it('serves the default Node metrics, event-loop lag among them', async () => {
      const metric = await scrape();
      expect(metric('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
      expect(metric('process_resident_memory_bytes')).toBeGreaterThan(0);
    });

    it('follows a call: sessions, calls by state, set-ups, outcomes, relays, errors', async () => {
      const before = await scrape();
      const alice: Party = await party(app.baseUrl, 'alice');
      const bob: Party = await party(app.baseUrl, 'bob');
      let metric = await scrape();
      expect(metric('dialtone_sessions_open')).toBe(before('dialtone_sessions_open') + 2);

      const callId = await ring(alice, bob);
      metric = await scrape();
      expect(metric('dialtone_calls{state="ringing"}')).toBe(1);
      bob.ws.send({ type: 'call_back', toUser: alice.user.username, msg: '1', callId });
      await alice.ws.next('call_back');
      metric = await scrape();
      expect(metric('dialtone_calls{state="ringing"}')).toBe(0);
      expect(metric('dialtone_calls{state="active"}')).toBe(1);
      expect(metric('dialtone_call_setups_total')).toBe(before('dialtone_call_setups_total') + 1);
      const accepted = 'dialtone_call_setup_outcomes_total{code="accepted"}';
      expect(metric(accepted)).toBe(before(accepted) + 1);

      alice.ws.send({ type: 'offer', toUser: bob.user.username, sdp: 'v=0' });
      await bob.ws.next('offer');
      for (let i = 0; i < 3; i += 1) {
        bob.ws.send({ type: '_ice', toUser: alice.user.username, iceCandidate: { candidate: '' } });
        await alice.ws.next('_ice');
      }
      alice.ws.sendRaw('{not json');
      await alice.ws.next('error');
      metric = await scrape();
      const relayed = (type: string) => `dialtone_relayed_messages_total{type="${type}"}`;
      expect(metric(relayed('offer'))).toBe(before(relayed('offer')) + 1);
      expect(metric(relayed('_ice'))).toBe(before(relayed('_ice')) + 3);
      const badRequest = 'dialtone_errors_sent_total{code="bad_request"}';
      expect(metric(badRequest)).toBe(before(badRequest) + 1);

      alice.ws.send({ type: 'hangup', toUser: bob.user.username });
      await bob.ws.next('hangup');
      metric = await scrape();
      expect(metric('dialtone_calls{state="active"}')).toBe(0);
      const hungUp = 'dialtone_calls_ended_total{code="hangup"}';
      expect(metric(hungUp)).toBe(before(hungUp) + 1);

      // A rejected call ends its set-up with "rejected"; ringing again within the cool-down is
      // refused by the call-start limiter.
      await ring(alice, bob);
      bob.ws.send({ type: 'call_back', toUser: alice.user.username, msg: '0' });
      await alice.ws.next('call_back');
      alice.ws.send({ type: 'call_start', toUser: bob.user.username });
      expect((await alice.ws.next('call_back')).code).toBe('rate_limited');
      metric = await scrape();
      const rejected = 'dialtone_call_setup_outcomes_total{code="rejected"}';
      expect(metric(rejected)).toBe(before(rejected) + 1);
      const limited = 'dialtone_rate_limit_hits_total{limiter="call_starts"}';
      expect(metric(limited)).toBe(before(limited) + 1);

      closeAll(alice, bob);
      await eventually((m) => m('dialtone_sessions_open') === before('dialtone_sessions_open'));
    });

    it('counts a dropped v2 session as resumable until its window ends', async () => {
      const before = await scrape();
      const carol = await partyV2(app.baseUrl, 'carol');
      carol.ws.socket.terminate();
      await eventually((m) => m('dialtone_sessions_resumable') === 1);
      expect((await scrape())('dialtone_sessions_open')).toBe(before('dialtone_sessions_open'));
      await eventually((m) => m('dialtone_sessions_resumable') === 0);
    });

    it('ends the call of a session dropped without resume as disconnected', async () => {
      const dave = await party(app.baseUrl, 'dave');
      const erin = await party(app.baseUrl, 'erin');
      await connectCall(dave, erin);
      erin.ws.socket.terminate();
      await dave.ws.next('hangup');
      await eventually((m) => m('dialtone_calls{state="active"}') === 0);
      const ended = (await scrape())('dialtone_calls_ended_total{code="disconnected"}');
      expect(ended).toBe(1);
      closeAll(dave);
    });
  });
});
