import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { CallSummary } from './call-machine.types.js';
import { SessionExpiry } from './session-expiry.js';
import type { SignalingSession } from './signaling-session.js';

/** The part of a session SessionExpiry reads and writes, recording how it was closed. */
function sessionExpiringIn(ms: number) {
  const session = {
    id: 's-1',
    user: { expiresAt: Date.now() + ms },
    closedWith: undefined as number | undefined,
    close(code: number) {
      this.closedWith = code;
    },
  };
  return session as typeof session & SignalingSession;
}

describe('SessionExpiry', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('closes an idle session with 4001 when its token expires, not before', async () => {
    const session = sessionExpiringIn(5000);
    new SessionExpiry(
      () => false,
      () => session,
    ).schedule(session);
    await jest.advanceTimersByTimeAsync(4999);
    expect(session.closedWith).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(session.closedWith).toBe(4001);
  });

  it('waits for the call to end: at once when told, or at the next re-check when not', async () => {
    let inCall = true;
    const told = sessionExpiringIn(1000);
    const expiry = new SessionExpiry(
      () => inCall,
      () => told,
    );
    expiry.schedule(told);
    await jest.advanceTimersByTimeAsync(1000);
    expect(told.closedWith).toBeUndefined();
    expiry.callEnded({ callerSession: told.id } as CallSummary);
    expect(told.closedWith).toBe(4001);

    // The end was reported to another instance: this one finds out by asking again.
    const elsewhere = sessionExpiringIn(1000);
    inCall = true;
    new SessionExpiry(
      () => inCall,
      () => undefined,
    ).schedule(elsewhere);
    await jest.advanceTimersByTimeAsync(5000);
    expect(elsewhere.closedWith).toBeUndefined();
    inCall = false;
    await jest.advanceTimersByTimeAsync(2000);
    expect(elsewhere.closedWith).toBe(4001);
  });

  it('a store that cannot answer counts as in a call: nothing is cut, it asks again', async () => {
    let answer: () => Promise<boolean> = () => Promise.reject(new Error('Redis away'));
    const session = sessionExpiringIn(0);
    new SessionExpiry(
      () => answer(),
      () => session,
    ).schedule(session);
    await jest.advanceTimersByTimeAsync(0);
    expect(session.closedWith).toBeUndefined();
    answer = () => Promise.resolve(false);
    await jest.advanceTimersByTimeAsync(2000);
    expect(session.closedWith).toBe(4001);
  });

  it('cancel stops a scheduled expiry (the session ended first)', async () => {
    const session = sessionExpiringIn(1000);
    const expiry = new SessionExpiry(
      () => false,
      () => session,
    );
    expiry.schedule(session);
    expiry.cancel(session);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(session.closedWith).toBeUndefined();
  });
});
