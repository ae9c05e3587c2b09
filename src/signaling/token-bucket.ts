/**
 * Per-session flood control: `rate` messages a second sustained, bursts up to `burst`. Refills
 * lazily on each take, so an idle session costs nothing.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = performance.now.bind(performance),
  ) {
    this.tokens = burst;
    this.refilledAt = now();
  }

  take(): boolean {
    if (!this.peek()) {
      return false;
    }
    this.tokens -= 1;
    return true;
  }

  /** Whether a take would succeed now, without taking. */
  peek(): boolean {
    this.refill();
    return this.tokens >= 1;
  }

  /** Gives one token back (never past the burst): what was taken turned out not to count. */
  refund(): void {
    this.refill();
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  /** Milliseconds until a take would succeed (0: now). */
  msUntilToken(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) * 1000) / this.rate;
  }

  /** Refilled to the brim: as good as a new bucket, so a keyed map may forget it. */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.rate) / 1000);
    this.refilledAt = now;
  }
}
