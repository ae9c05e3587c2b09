import { Injectable } from '@nestjs/common';

const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60 * 1000;
/** Bounds memory under a credential-stuffing flood: expired entries are swept past this size. */
const SWEEP_THRESHOLD = 10_000;

/**
 * Counts failed logins per account and client address. After 5 failures within 15 minutes that
 * pair is locked out until the window that holds them has passed.
 */
@Injectable()
export class LoginAttempts {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds until another attempt is allowed, or 0 when it is allowed now. */
  retryAfterSeconds(username: string, ip: string): number {
    const recent = this.recent(this.key(username, ip));
    if (recent.length < MAX_FAILURES) {
      return 0;
    }
    return Math.max(1, Math.ceil((recent[0] + WINDOW_MS - this.now()) / 1000));
  }

  recordFailure(username: string, ip: string): void {
    if (this.failures.size >= SWEEP_THRESHOLD) {
      this.sweep();
    }
    const key = this.key(username, ip);
    this.failures.set(key, [...this.recent(key), this.now()]);
  }

  recordSuccess(username: string, ip: string): void {
    this.failures.delete(this.key(username, ip));
  }

  private key(username: string, ip: string): string {
    return `${username.toLowerCase()}\n${ip}`;
  }

  private recent(key: string): number[] {
    const since = this.now() - WINDOW_MS;
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
