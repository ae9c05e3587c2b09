import { beforeEach, describe, expect, it } from '@jest/globals';
import { LoginAttempts } from '../../auth/login-attempts.js';
import { nodeTimers } from '../node-timers.js';
import { MemoryEndedSessions } from './ended-sessions.js';
import { MemoryReplayBuffer } from './replay-buffer.js';
import { ResumableSession } from './resumable-session.js';
import { type ResumeCandidate, SessionResumer } from './session-resumer.js';

interface Session extends ResumeCandidate {
  readonly resumable: ResumableSession;
}

describe('SessionResumer', () => {
  let live: Map<string, Session>;
  let ended: MemoryEndedSessions;
  let resumer: SessionResumer<Session>;
  let token: string;

  beforeEach(() => {
    live = new Map();
    ended = new MemoryEndedSessions();
    resumer = new SessionResumer({
      live: (id) => live.get(id),
      ended,
      throttle: new LoginAttempts({ maxFailures: 3, windowMs: 60_000 }),
    });
    const resumable = new ResumableSession({
      buffer: new MemoryReplayBuffer({ messages: 8, bytes: 4096 }),
      timers: nodeTimers,
      windowMs: 30_000,
      lapsed: () => undefined,
    });
    token = resumable.issueToken();
    live.set('s1', { username: 'alice', resumable });
  });

  const request = (sessionId: string, resumeToken: string, lastSeq = 0) => ({
    type: 'resume' as const,
    sessionId,
    resumeToken,
    lastSeq,
  });

  it('resumes the right account with the right token, and hands a new token', () => {
    const decision = resumer.decide(request('s1', token), 'alice', '10.0.0.1');
    expect(decision.ok).toBe(true);
    if (decision.ok) {
      expect(decision.session).toBe(live.get('s1'));
      expect(decision.resumption.token).not.toBe(token);
    }
    // The token it used is spent.
    expect(resumer.decide(request('s1', token), 'alice', '10.0.0.1')).toStrictEqual({
      ok: false,
      code: 'unknown',
    });
  });

  it('unknown session, wrong token: "unknown"; another account: "forbidden"; ended: "expired"', () => {
    const code = (sessionId: string, t: string, user: string) => {
      const decision = resumer.decide(request(sessionId, t), user, '10.0.0.2');
      return decision.ok ? 'ok' : decision.code;
    };
    expect(code('nope', token, 'alice')).toBe('unknown');
    expect(code('s1', 'wrong', 'alice')).toBe('unknown');
    expect(code('s1', token, 'mallory')).toBe('forbidden');
    ended.remember('s0', 'alice');
    expect(code('s0', 'anything', 'alice')).toBe('expired');
    expect(code('s0', 'anything', 'mallory')).toBe('forbidden');
  });

  it('throttles failed attempts per account and address, without looking at the token', () => {
    for (let i = 0; i < 3; i += 1) {
      expect(resumer.decide(request('s1', 'guess'), 'mallory', '10.0.0.9')).toMatchObject({
        ok: false,
      });
    }
    const throttled = { ok: false, code: 'throttled' };
    expect(resumer.decide(request('s1', 'guess'), 'mallory', '10.0.0.9')).toStrictEqual(throttled);
    // Another address, or another account, is counted apart.
    expect(resumer.decide(request('s1', token), 'alice', '10.0.0.9').ok).toBe(true);
    expect(resumer.decide(request('x', 'guess'), 'mallory', '10.0.0.10')).toStrictEqual({
      ok: false,
      code: 'unknown',
    });
  });
});
