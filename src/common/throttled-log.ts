/**
 * A log line that anyone can trigger (a refused upgrade, say) written at most `maxPerWindow`
 * times a window; the rest are counted and summed up in one line when the next window begins,
 * so that a flood of bad requests cannot flood the log (and the disk) with it.
 */
export class ThrottledLog {
  private windowStartedAt = -Infinity;
  private written = 0;
  private suppressed = 0;

  constructor(
    private readonly write: (line: string) => void,
    private readonly maxPerWindow = 10,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  line(message: string): void {
    const now = this.now();
    if (now - this.windowStartedAt >= this.windowMs) {
      if (this.suppressed > 0) {
        this.write(
          `${this.suppressed} more like this were not logged in the last ${Math.round(this.windowMs / 1000)} s`,
        );
      }
      this.windowStartedAt = now;
      this.written = 0;
      this.suppressed = 0;
    }
    if (this.written < this.maxPerWindow) {
      this.written += 1;
      this.write(message);
    } else {
      this.suppressed += 1;
    }
  }
}
