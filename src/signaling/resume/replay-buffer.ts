/** How much of a session's stream is kept for replay. */
export interface ReplayLimits {
  messages: number;
  bytes: number;
}

/**
 * The latest frames a session was sent, by `seq`, so that a resume replays what the client missed.
 * The seam for a shared store: on Redis this is a capped stream per session, keyed by `seq`.
 */
export interface ReplayBuffer {
  /** Keeps `frame` (which already carries `seq`), dropping the oldest frames past the limits. */
  append(seq: number, frame: string): void;
  /** The lowest `seq` still held; undefined when empty. */
  readonly oldestSeq: number | undefined;
  /** The frames with a `seq` above `lastSeq`, oldest first. */
  after(lastSeq: number): string[];
  /** Bytes held (UTF-8). */
  readonly bytes: number;
  clear(): void;
}

interface Entry {
  seq: number;
  frame: string;
  bytes: number;
}

/** A ring of at most `messages` frames and `bytes` bytes, in this process's memory. */
export class MemoryReplayBuffer implements ReplayBuffer {
  private readonly ring: (Entry | undefined)[];
  /** Index of the oldest entry, and how many are held. */
  private head = 0;
  private count = 0;
  private held = 0;

  constructor(private readonly limits: ReplayLimits) {
    this.ring = new Array<Entry | undefined>(limits.messages);
  }

  get bytes(): number {
    return this.held;
  }

  get oldestSeq(): number | undefined {
    return this.count === 0 ? undefined : this.ring[this.head]!.seq;
  }

  append(seq: number, frame: string): void {
    const entry = { seq, frame, bytes: Buffer.byteLength(frame) };
    if (this.count === this.ring.length) {
      this.dropOldest();
    }
    this.ring[(this.head + this.count) % this.ring.length] = entry;
    this.count += 1;
    this.held += entry.bytes;
    while (this.held > this.limits.bytes) {
      this.dropOldest();
    }
  }

  after(lastSeq: number): string[] {
    const frames: string[] = [];
    for (let i = 0; i < this.count; i += 1) {
      const entry = this.ring[(this.head + i) % this.ring.length]!;
      if (entry.seq > lastSeq) {
        frames.push(entry.frame);
      }
    }
    return frames;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.count = 0;
    this.held = 0;
  }

  private dropOldest(): void {
    const oldest = this.ring[this.head]!;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.ring.length;
    this.count -= 1;
    this.held -= oldest.bytes;
  }
}
