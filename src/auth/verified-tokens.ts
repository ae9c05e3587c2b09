/**
 * Tokens already verified, by their exact text, with what they said. A signature covers the whole
 * text, so the same text needs no second HMAC, base64 and JSON work: only its expiry is checked
 * again (revocation is the caller's, every time). A reconnect storm presents every token again at
 * once, and jsonwebtoken's verify was about a tenth of each upgrade's CPU. Bounded: past
 * `capacity` the oldest entry goes, and a token that is not here is simply verified again.
 */
export class VerifiedTokens<T extends { readonly expiresAt: number }> {
  private readonly entries = new Map<string, T>();

  constructor(
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** What `token` said when it was verified, unless it has expired since (then it is forgotten). */
  get(token: string): T | undefined {
    const entry = this.entries.get(token);
    if (entry !== undefined && entry.expiresAt <= this.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  add(token: string, claims: T): void {
    if (this.entries.size >= this.capacity && !this.entries.has(token)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) {
        this.entries.delete(oldest.value);
      }
    }
    this.entries.set(token, claims);
  }

  get size(): number {
    return this.entries.size;
  }
}
