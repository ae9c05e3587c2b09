import type { RingByPush } from '../../call-machine.types.js';
import type { SignalingScripts } from './signaling-scripts.js';

/**
 * Web Push (issue 21) on Redis. The call rules decide in the scripts which devices a call rings by
 * push (start.lua) and when that ring ends (prelude.lua's push_ring_ended); the script reports it
 * on the instance that ran it, and only there is the push sent — so a call's `call` message goes
 * out once (from the instance that processed the call_start) and its `call_ended` once (from the
 * instance whose script ended the ring: a timeout, a cancel, an answer or a decline anywhere).
 * A notification's Decline and the page's push_device reach the shared call state from any
 * instance.
 */
export class ClusterPushRinging {
  constructor(private readonly scripts: SignalingScripts) {}

  /** The scripts' push events, reported here once, ring and end rings through `push`. */
  connect(push: RingByPush): void {
    this.scripts.onPush((event) => {
      if (event.kind === 'ring') {
        push.ring({
          callId: event.callId,
          from: { username: event.caller, displayName: '' }, // the notifier looks it up
          to: event.callee,
          expiresAt: event.expiresAt,
          devices: event.devices,
        });
      } else {
        push.ringEnded(event.callId, event.reason, { to: event.callee, devices: event.devices });
      }
    });
  }

  /** Whether `callId` is ringing `callee`, wherever it was started. */
  async isRinging(callId: string, callee: string): Promise<boolean> {
    const [state, calledUser] = await this.scripts.redis.command<(string | null)[]>([
      'HMGET',
      this.scripts.keys.id.call(callId),
      'st',
      'callee',
    ]);
    return state === 'ringing' && calledUser === callee;
  }

  /** A notification's Decline: declines it as the callee's page would; false if not ringing. */
  async decline(callId: string, callee: string): Promise<boolean> {
    return (await this.scripts.run<number>('decline', [callId, callee])) === 1;
  }

  /** push_device: the device (pushDeviceKey) whose page `sessionId` is, or none. */
  async linkDevice(sessionId: string, device: string | undefined): Promise<void> {
    await this.scripts.run('pushDevice', [sessionId, device ?? '']);
  }
}
