import { beforeEach, describe, expect, it } from '@jest/globals';
import type { CallSummary } from '../signaling/call-machine.types.js';
import { MetricsRegistry } from './metrics-registry.js';
import { SignalingMetrics } from './signaling-metrics.js';

const call = (answered: boolean): CallSummary => ({
  id: 'c1',
  caller: 'alice',
  callee: 'bob',
  callerSession: 's1',
  calleeSession: answered ? 's2' : undefined,
});

describe('SignalingMetrics', () => {
  let registry: MetricsRegistry;
  let metrics: SignalingMetrics;

  beforeEach(() => {
    registry = new MetricsRegistry();
    metrics = new SignalingMetrics(registry);
  });

  /** The value of one sample line, e.g. `dialtone_calls{state="active"}`; undefined if absent. */
  async function sample(name: string): Promise<number | undefined> {
    const line = (await registry.text()).split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(name.length + 1));
  }

  it('reads the gauges from the census at every scrape, so they cannot drift', async () => {
    let connected = 3;
    metrics.watch({
      connected: () => connected,
      resuming: () => 1,
      calls: () => ({ ringing: 2, active: 5 }),
    });
    expect(await sample('dialtone_sessions_open')).toBe(3);
    expect(await sample('dialtone_sessions_resumable')).toBe(1);
    expect(await sample('dialtone_calls{state="ringing"}')).toBe(2);
    expect(await sample('dialtone_calls{state="active"}')).toBe(5);
    connected = 0;
    expect(await sample('dialtone_sessions_open')).toBe(0);
  });

  it('reports no calls and no resumable sessions where the census does not hold them', async () => {
    metrics.watch({ connected: () => 4 });
    expect(await sample('dialtone_sessions_open')).toBe(4);
    expect(await sample('dialtone_calls{state="active"}')).toBeUndefined();
    expect(await sample('dialtone_sessions_resumable')).toBeUndefined();
  });

  it('counts relayed messages by type and errors by code, and nothing else that is sent', async () => {
    const envelope = { fromUser: 'alice', toUser: 'bob', callId: 'c1' };
    metrics.sent({ type: '_ice', ...envelope, iceCandidate: { candidate: '' } });
    metrics.sent({ type: '_ice', ...envelope, iceCandidate: { candidate: '' } });
    metrics.sent({ type: 'offer', ...envelope, sdp: 'v=0' });
    metrics.sent({
      type: 'error',
      fromUser: 'system',
      toUser: 'bob',
      code: 'not_in_call',
      msg: '',
    });
    metrics.sent({ type: 'ringing', fromUser: 'system', toUser: 'bob', callId: 'c1' });
    expect(await sample('dialtone_relayed_messages_total{type="_ice"}')).toBe(2);
    expect(await sample('dialtone_relayed_messages_total{type="offer"}')).toBe(1);
    expect(await sample('dialtone_errors_sent_total{code="not_in_call"}')).toBe(1);
    expect(await registry.text()).not.toContain('ringing"');
    // Every scrape reports the running total: nothing counted twice, nothing lost between scrapes.
    metrics.sent({ type: '_ice', ...envelope, iceCandidate: { candidate: '' } });
    expect(await sample('dialtone_relayed_messages_total{type="_ice"}')).toBe(3);
    expect(await sample('dialtone_relayed_messages_total{type="_ice"}')).toBe(3);
    expect(await sample('dialtone_relayed_messages_total{type="offer"}')).toBe(1);
  });

  it('tells set-up outcomes (accepted, or how an unanswered call ended) from ended calls', async () => {
    metrics.callStarted();
    metrics.callStarted();
    metrics.callStarted();
    metrics.callAnswered();
    metrics.callEnded(call(true), 'hangup');
    metrics.callEnded(call(false), 'no_answer');
    metrics.callEnded(call(false), 'busy');
    expect(await sample('dialtone_call_setups_total')).toBe(3);
    expect(await sample('dialtone_call_setup_outcomes_total{code="accepted"}')).toBe(1);
    expect(await sample('dialtone_call_setup_outcomes_total{code="no_answer"}')).toBe(1);
    expect(await sample('dialtone_call_setup_outcomes_total{code="busy"}')).toBe(1);
    expect(await sample('dialtone_calls_ended_total{code="hangup"}')).toBe(1);
    expect(await sample('dialtone_call_setup_outcomes_total{code="hangup"}')).toBeUndefined();
  });

  it('counts rate-limit hits by limiter and Redis round trips by command', async () => {
    metrics.rateLimited('ws_messages');
    metrics.rateLimited('ws_messages');
    metrics.redisCommand('EVALSHA', 0.0003);
    expect(await sample('dialtone_rate_limit_hits_total{limiter="ws_messages"}')).toBe(2);
    expect(await sample('dialtone_redis_command_seconds_count{command="evalsha"}')).toBe(1);
    expect(
      await sample('dialtone_redis_command_seconds_bucket{le="0.0005",command="evalsha"}'),
    ).toBe(1);
  });

  it('keeps each registry apart: two apps in one process share no counter', async () => {
    const other = new MetricsRegistry();
    new SignalingMetrics(other);
    metrics.rateLimited('call_starts');
    expect(await other.text()).not.toContain('limiter="call_starts"');
  });
});
