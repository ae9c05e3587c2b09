import type { ResumeSnapshot } from '../signaling/session-resume.js';

/**
 * What a tab reloaded mid-call needs to carry the call on: its protocol 2 session (to resume it on
 * the new page's socket) and the microphone and camera choices of the call. Kept in
 * `sessionStorage`, so only for the life of this tab: never `localStorage`, never a cookie (the
 * resume token is the key to the session). Written as the page unloads, read once by the next page,
 * cleared on hang-up and logout.
 */
export interface RejoinRecord {
  session: ResumeSnapshot;
  microphoneMuted: boolean;
  cameraOn: boolean;
  /** When the page left (ms since the epoch): past the session's window there is nothing to resume. */
  leftAt: number;
}

const KEY = 'dialtone.rejoin';

export const callRejoin = {
  save(record: RejoinRecord): void {
    try {
      sessionStorage.setItem(KEY, JSON.stringify(record));
    } catch {
      // Storage full or forbidden: the reload then ends the call, as before.
    }
  },

  /** The record the previous page left, once (it is removed), if its session may still wait. */
  take(now = Date.now()): RejoinRecord | undefined {
    const record = read();
    callRejoin.clear();
    return record && now - record.leftAt < record.session.windowMs ? record : undefined;
  },

  clear(): void {
    try {
      sessionStorage.removeItem(KEY);
    } catch {
      // Nothing stored.
    }
  },
};

function read(): RejoinRecord | undefined {
  try {
    const parsed: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is RejoinRecord {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { session, leftAt } = value as Partial<RejoinRecord>;
  return (
    typeof leftAt === 'number' &&
    typeof session?.sessionId === 'string' &&
    typeof session.resumeToken === 'string' &&
    typeof session.windowMs === 'number' &&
    typeof session.lastSeq === 'number'
  );
}
