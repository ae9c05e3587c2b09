import type { LoginThrottle } from './login-throttle.js';

/** Bounds memory under a credential-stuffing flood: expired entries are swept past this size. */
const SWEEP_THRESHOLD = 10_000;

export interface LoginAttemptLimits {
  /** Failed logins per account and address within the window before that pair is locked out. */
  maxFailures: number;
  windowMs: number;
}

/**
 * Counts failed logins per account and client address. After `maxFailures` within the window that
 * pair is locked out until the window that holds them has passed.
 *
 * An attempt counts as a failure from the moment it starts (`begin`), before the password is
 * checked: a failure recorded only after argon2 finished let 100 concurrent guesses all pass the
 * check while none had failed yet. A success forgets the failures; an attempt the server could
 * not evaluate (a full hashing queue) is given back with `abandon`.
 */
export class LoginAttempts implements LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: LoginAttemptLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Seconds until another attempt is allowed, or 0 when this one may go ahead — in which case it
   * has already been counted as a failure.
   */
  begin(username: string, ip: string): number {
    const key = this.key(username, ip);
    const recent = this.recent(key);
    if (recent.length >= this.limits.maxFailures) {
      return Math.max(1, Math.ceil((recent[0] + this.limits.windowMs - this.now()) / 1000));
    }
    if (this.failures.size >= SWEEP_THRESHOLD) {
      this.sweep();
    }
    this.failures.set(key, [...recent, this.now()]);
    return 0;
  }

  succeeded(username: string, ip: string): void {
    this.failures.delete(this.key(username, ip));
  }

  /** Takes back the latest attempt: it was never evaluated, so it is no failure. */
  abandon(username: string, ip: string): void {
    const key = this.key(username, ip);
    const remaining = this.recent(key).slice(0, -1);
    if (remaining.length > 0) {
      this.failures.set(key, remaining);
    } else {
      this.failures.delete(key);
    }
  }

  private key(username: string, ip: string): string {
    return `${username.toLowerCase()}\n${ip}`;
  }

  private recent(key: string): number[] {
    const since = this.now() - this.limits.windowMs;
    return (this.failures.get(key) ?? []).filter((at) => at > since);
  }

  private sweep(): void {
    for (const key of this.failures.keys()) {
      if (this.recent(key).length === 0) {
        this.failures.delete(key);
      }
    }
  }
}
