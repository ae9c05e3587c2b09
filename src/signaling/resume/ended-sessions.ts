/**
 * Sessions that ended recently, remembered so that a late resume is answered `expired` rather than
 * `unknown`. The seam for a shared store: on Redis, a key per session with a TTL.
 */
export interface EndedSessions {
  remember(sessionId: string, username: string): void;
  /** The account an ended session belonged to, while it is remembered. */
  ownerOf(sessionId: string): string | undefined;
}

/** How long, and how many, ended sessions this process remembers. */
const REMEMBER_MS = 60 * 60 * 1000;
const MAX_REMEMBERED = 100_000;

/** In this process's memory: a Map in ending order, trimmed from its oldest end. */
export class MemoryEndedSessions implements EndedSessions {
  private readonly ended = new Map<string, { username: string; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  remember(sessionId: string, username: string): void {
    const now = this.now();
    for (const [id, { at }] of this.ended) {
      if (at > now - REMEMBER_MS && this.ended.size < MAX_REMEMBERED) {
        break;
      }
      this.ended.delete(id);
    }
    this.ended.set(sessionId, { username, at: now });
  }

  ownerOf(sessionId: string): string | undefined {
    const entry = this.ended.get(sessionId);
    return entry && entry.at > this.now() - REMEMBER_MS ? entry.username : undefined;
  }
}
