import { Logger } from '@nestjs/common';
import type { SignalingScripts } from './signaling-scripts.js';

/** Every instance sweeps the shared timers this often, so a timer fires at most this late. */
export const SWEEP_INTERVAL_MS = 500;
/** A local timer fires this much after the deadline, so that Redis's clock has passed it too. */
const LOCAL_SLACK_MS = 5;

/**
 * Ring timeouts and resume windows on Redis: each is a member of one sorted set scored by its
 * deadline (Redis's clock). The instance that armed it fires it on time with a local timer; every
 * instance also sweeps what is due, so a timer armed by an instance that died fires at most
 * SWEEP_INTERVAL_MS late. The `fire` script re-checks the deadline and the version and removes the
 * member, so each timer fires exactly once. The sweep also hands the sessions of instances that
 * missed their heartbeats to their resume windows.
 */
export class TimerWheel {
  private readonly logger = new Logger('RedisTimers');
  private readonly local = new Set<NodeJS.Timeout>();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly scripts: SignalingScripts,
    private readonly delays: { ring: number; window: number },
  ) {}

  /** A timer a script just armed ('' when it armed none): this instance fires it on time. */
  armed(member: string): void {
    if (member === '') {
      return;
    }
    const delay = member.startsWith('ring|') ? this.delays.ring : this.delays.window;
    const timer = setTimeout(() => {
      this.local.delete(timer);
      this.fire(member);
    }, delay + LOCAL_SLACK_MS);
    timer.unref();
    this.local.add(timer);
  }

  start(): void {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.local.forEach((timer) => clearTimeout(timer));
    this.local.clear();
  }

  /** One sweep (also called by tests): due timers, then dead instances. */
  async sweep(): Promise<void> {
    if (this.sweeping) {
      return;
    }
    this.sweeping = true;
    try {
      await this.scripts.run('sweep', []);
    } catch (error) {
      this.logger.warn(`sweep failed (Redis away?): ${String(error)}`);
    } finally {
      this.sweeping = false;
    }
  }

  private fire(member: string): void {
    // A failure here is no loss: the sweep fires the timer once Redis answers again.
    this.scripts.run('fire', [member]).catch(() => undefined);
  }
}
