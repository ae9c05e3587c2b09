import type { Channel } from './redis-connection.js';
import type { SignalingSession } from '../../signaling-session.js';

/** The `seq` a v2 frame ends with (`…,"seq":N}`), or undefined for a v1 frame. */
function seqOf(frame: string): number | undefined {
  const match = /,"seq":(\d+)}$/.exec(frame);
  return match ? Number(match[1]) : undefined;
}

/**
 * A session as this instance holds it with REDIS_URL. Its frames run one after another (each may
 * wait for Redis, and the next must see what the previous changed), and what its channel brings
 * is written in `seq` order, each seq once: while a resume or the welcome is still on its way,
 * channel frames wait in `buffered`.
 */
export class SessionLink {
  /** Set once the session no longer belongs to this socket here (closed, taken over). */
  released = false;
  /**
   * Set while this socket's `resume` is being decided: it does not hold the session yet. Its
   * channel is subscribed before that, so a `close` meant for the socket that held the session
   * until now (evicted by the session cap, say) reaches this one too, which must ignore it.
   */
  resuming = false;
  subscribed: Promise<void> = Promise.resolve();
  channelListener: Channel | undefined;
  private chain: Promise<void> = Promise.resolve();
  private lastSeq = 0;
  private firstWritten: (() => void) | undefined;
  /** Resolves once the first frame from the channel is written (a new session's welcome). */
  readonly welcomed = new Promise<void>((resolve) => (this.firstWritten = resolve));

  constructor(
    private readonly session: SignalingSession,
    /** Frames from the channel held back until `live()` or `replay()`. */
    private buffered: string[] | undefined,
    private readonly failed: (error: unknown) => void,
  ) {}

  listener(channel: Channel): Channel {
    this.channelListener = channel;
    return channel;
  }

  /** Runs `step` after every step queued before it; a failure is the session's alone. */
  run(step: () => void | Promise<void>): void {
    this.chain = this.chain.then(step).catch((error: unknown) => this.failed(error));
  }

  /** A frame from the channel. */
  deliver(frame: string): void {
    if (this.buffered) {
      this.buffered.push(frame);
    } else {
      this.write(frame);
    }
  }

  /** A new session is registered: what its channel brought meanwhile goes out, in order. */
  live(): void {
    this.replay([], 0);
  }

  /** After `resumed`: the missed frames, then what arrived meanwhile, each seq once. */
  replay(missed: readonly string[], lastSeq: number): void {
    this.resuming = false;
    this.lastSeq = lastSeq;
    const waiting = this.buffered ?? [];
    this.buffered = undefined;
    for (const frame of [...missed, ...waiting]) {
      this.write(frame);
    }
  }

  private write(frame: string): void {
    const seq = seqOf(frame);
    if (seq !== undefined) {
      if (seq <= this.lastSeq) {
        return; // already written (the replay and the channel overlap)
      }
      this.lastSeq = seq;
    }
    this.session.write(frame);
    this.firstWritten?.();
    this.firstWritten = undefined;
  }
}
