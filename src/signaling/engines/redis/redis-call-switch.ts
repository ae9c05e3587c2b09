import { randomUUID } from 'node:crypto';
import type { CallAccess, SessionRef } from '../../call-machine.types.js';
import type { CallStartRefusal, ClientHangupCode } from '../../protocol.js';
import { rateLimitedReply } from '../../sentences.js';
import type { CallSwitch, RelayRequest } from '../../call-switch.js';
import type { SignalingScripts } from './signaling-scripts.js';
import type { TimerWheel } from './timer-wheel.js';

/**
 * The call machine on Redis: the same rules as CallMachine, each transition one Lua script that
 * reads and changes the shared state and delivers its messages atomically, so two instances can
 * never both win a race (glare, two tabs accepting, a hang-up crossing an accept).
 */
export class RedisCallSwitch implements CallSwitch {
  constructor(
    private readonly scripts: SignalingScripts,
    private readonly timers: TimerWheel,
    private readonly newCallId: () => string = randomUUID,
  ) {}

  async isInCall(sessionId: string): Promise<boolean> {
    const key = this.scripts.keys.id.session(sessionId);
    return (await this.scripts.redis.command<number>(['HEXISTS', key, 'call'])) === 1;
  }

  async start(
    from: SessionRef,
    toUser: string,
    access: CallAccess,
    pushDevices: readonly string[] = [],
  ): Promise<void> {
    const args = [from.id, from.username, toUser, access, this.newCallId()];
    args.push(JSON.stringify(pushDevices));
    this.timers.armed(await this.scripts.run('start', args));
  }

  async answer(from: SessionRef, toUser: string, accept: boolean, callId = ''): Promise<void> {
    await this.scripts.run('answer', [from.id, from.username, toUser, accept ? '1' : '0', callId]);
  }

  async relay(from: SessionRef, request: RelayRequest): Promise<void> {
    const args = [from.id, from.username, request.toUser, request.callId ?? '', request.type];
    await this.scripts.run('relay', [...args, payloadTail(request)]);
  }

  async hangup(
    from: SessionRef,
    toUser: string,
    code: ClientHangupCode = 'hangup',
    callId = '',
  ): Promise<void> {
    await this.scripts.run('hangup', [from.id, from.username, toUser, code, callId]);
  }

  async refuse(from: SessionRef, toUser: string, refusal: CallStartRefusal): Promise<void> {
    const reply = rateLimitedReply(from.username, toUser, refusal);
    await this.scripts.run('send', [from.id, JSON.stringify(reply)]);
  }
}

/** The request's own fields as the tail of a JSON object: the script prepends the envelope. */
function payloadTail(request: RelayRequest): string {
  switch (request.type) {
    case '_ice':
      return JSON.stringify({ iceCandidate: request.iceCandidate }).slice(1);
    case 'media_state':
      return JSON.stringify({
        audio: request.audio,
        video: request.video,
        screen: request.screen,
      }).slice(1);
    default:
      return JSON.stringify({ sdp: request.sdp }).slice(1);
  }
}
