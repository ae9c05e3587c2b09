import type { Timers } from '../call-machine.types.js';

/**
 * Notices a v2 socket that went quiet: `heard()` on every frame is a clock read; the one timer
 * re-arms for the time left when it fires, instead of being reset on every frame.
 */
export class SilenceWatch {
  private lastHeard: number;
  private timer: unknown;

  constructor(
    private readonly timers: Timers,
    private readonly silenceMs: number,
    private readonly silent: () => void,
    private readonly now: () => number = Date.now,
  ) {
    this.lastHeard = now();
    this.arm(silenceMs);
  }

  heard(): void {
    this.lastHeard = this.now();
  }

  stop(): void {
    this.timers.clear(this.timer);
  }

  private arm(ms: number): void {
    this.timer = this.timers.set(ms, () => {
      const quiet = this.now() - this.lastHeard;
      if (quiet >= this.silenceMs) {
        this.silent();
      } else {
        this.arm(this.silenceMs - quiet);
      }
    });
  }
}
