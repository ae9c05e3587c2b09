// The browser client's DOM-free parts, checked in Node; they ship in public/js/call-page.js.
import { describe, expect, it } from '@jest/globals';
import { formatCallDuration } from '../client/call/duration.js';
import { groupCalls, outcomeOf } from '../client/history/call-outcome.js';
import { reconnectDelayMs } from '../client/signaling/backoff.js';
import type { RecentCallDto } from '../src/calls/dto/call-history.dto.js';

describe('reconnectDelayMs', () => {
  it('doubles from half a second and stops growing at 15 s', () => {
    const lowest = (attempt: number) => reconnectDelayMs(attempt, () => 0);
    const highest = (attempt: number) => reconnectDelayMs(attempt, () => 1);
    expect([0, 1, 2, 3].map(highest)).toStrictEqual([500, 1000, 2000, 4000]);
    expect(highest(10)).toBe(15_000);
    expect(highest(1000)).toBe(15_000);
    // Jitter spreads each wait over its upper half: never an immediate retry, never in step.
    expect([0, 1, 10].map(lowest)).toStrictEqual([250, 500, 7500]);
  });
});

describe('formatCallDuration', () => {
  it('shows minutes and seconds, and hours once there are any', () => {
    expect(formatCallDuration(0)).toBe('00:00');
    expect(formatCallDuration(102_999)).toBe('01:42');
    expect(formatCallDuration(3_723_000)).toBe('1:02:03');
    expect(formatCallDuration(-5)).toBe('00:00');
  });
});

describe('recent calls: outcome and grouping', () => {
  const at = (second: number): string =>
    new Date(Date.UTC(2025, 0, 1, 12, 0, second)).toISOString();
  const call = (fields: Partial<RecentCallDto>): RecentCallDto => ({
    callId: `c-${Math.random()}`,
    direction: 'outgoing',
    peer: 'bob',
    peerDisplayName: 'Bob Builder',
    startedAt: at(0),
    answeredAt: null,
    endedAt: at(1),
    endCode: 'no_answer',
    missed: false,
    attempts: 1,
    ...fields,
  });

  it('names what happened from this side', () => {
    const cases: [Partial<RecentCallDto>, string][] = [
      [{ answeredAt: at(0), endCode: 'hangup' }, 'outgoing'],
      [{ direction: 'incoming', answeredAt: at(0), endCode: 'hangup' }, 'incoming'],
      [{ direction: 'incoming', endCode: 'cancelled', missed: true }, 'missed'],
      [{ direction: 'incoming', endCode: 'rejected' }, 'declined'],
      [{ endCode: 'rejected' }, 'declined'],
      [{ endCode: 'cancelled' }, 'cancelled'],
      [{ endCode: 'no_answer' }, 'noAnswer'],
      [{ endCode: 'offline' }, 'wasOffline'],
      [{ endCode: 'busy' }, 'wasBusy'],
      [{ endCode: 'disconnected' }, 'notConnected'],
      [{ endCode: null, endedAt: null }, 'inProgress'],
    ];
    expect(cases.map(([fields]) => outcomeOf(call(fields)))).toStrictEqual(
      cases.map(([, outcome]) => outcome),
    );
  });

  it('groups repeats in a row with one person and one outcome, counting merged attempts', () => {
    const groups = groupCalls([
      call({ direction: 'incoming', endCode: 'cancelled', missed: true, attempts: 2 }),
      call({ direction: 'incoming', endCode: 'no_answer', missed: true }),
      call({ peer: 'carol', direction: 'incoming', endCode: 'no_answer', missed: true }),
      call({ answeredAt: at(3), endedAt: at(105), endCode: 'hangup' }),
      call({ answeredAt: at(0), endedAt: at(2), endCode: 'hangup' }),
      call({ endCode: 'offline' }),
    ]);
    expect(
      groups.map(({ latest, outcome, count, durationMs }) => [
        latest.peer,
        outcome,
        count,
        durationMs,
      ]),
    ).toStrictEqual([
      ['bob', 'missed', 3, undefined],
      ['carol', 'missed', 1, undefined],
      ['bob', 'outgoing', 1, 102_000],
      ['bob', 'outgoing', 1, 2000],
      ['bob', 'wasOffline', 1, undefined],
    ]);
  });
});
