/** Thrown by BoundedWorkQueue.run when every slot is busy and the queue is full. */
export class QueueFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('The work queue is full');
    this.name = 'QueueFullError';
  }
}

/** Weight of the newest duration in the running average the Retry-After estimate uses. */
const AVERAGE_WEIGHT = 0.2;

/**
 * Runs at most `concurrency` tasks at once, keeps at most `maxWaiting` more in FIFO order, and
 * refuses the rest at once (QueueFullError) instead of letting the backlog, and with it every
 * caller's wait, grow without bound.
 */
export class BoundedWorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private averageMs = 0;

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly now: () => number = performance.now.bind(performance),
  ) {}

  get pending(): number {
    return this.running + this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new QueueFullError(this.retryAfterSeconds());
      }
      // The slot is handed over by the task that frees it (see finally), so no newcomer can
      // overtake a task that has been waiting.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    const startedAt = this.now();
    try {
      return await task();
    } finally {
      const took = this.now() - startedAt;
      this.averageMs =
        this.averageMs === 0 ? took : this.averageMs + AVERAGE_WEIGHT * (took - this.averageMs);
      const next = this.waiting.shift();
      if (next) {
        next();
      } else {
        this.running -= 1;
      }
    }
  }

  /** Roughly when the backlog will have drained: at least one second. */
  private retryAfterSeconds(): number {
    return Math.max(1, Math.ceil((this.pending * this.averageMs) / this.concurrency / 1000));
  }
}
