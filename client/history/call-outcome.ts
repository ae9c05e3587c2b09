import type { RecentCallDto } from '../../src/calls/dto/call-history.dto.js';

/** What happened to a call, from this user's side; each is a label key of the page. */
export type Outcome =
  | 'outgoing'
  | 'incoming'
  | 'missed'
  | 'declined'
  | 'cancelled'
  | 'noAnswer'
  | 'wasOffline'
  | 'wasBusy'
  | 'wasUnavailable'
  | 'notConnected'
  | 'inProgress';

/** One line of Recent calls: the latest of `count` calls in a row with the same person and outcome. */
export interface CallGroup {
  latest: RecentCallDto;
  outcome: Outcome;
  count: number;
  /** How long a connected call lasted; undefined for calls that never connected. */
  durationMs?: number;
}

const OUTGOING_ENDS: Partial<Record<string, Outcome>> = {
  rejected: 'declined',
  cancelled: 'cancelled',
  no_answer: 'noAnswer',
  offline: 'wasOffline',
  busy: 'wasBusy',
  unavailable: 'wasUnavailable',
};

export function outcomeOf(entry: RecentCallDto): Outcome {
  if (entry.endCode === null) {
    return 'inProgress';
  }
  if (entry.answeredAt !== null) {
    return entry.direction;
  }
  if (entry.direction === 'incoming') {
    return entry.missed ? 'missed' : entry.endCode === 'rejected' ? 'declined' : 'notConnected';
  }
  return OUTGOING_ENDS[entry.endCode] ?? 'notConnected';
}

/**
 * Newest first, as the server lists them; calls in a row with the same person and the same
 * outcome become one line ("bob · 3 missed"), counting the attempts the server already merged
 * into one entry (`attempts`). Connected calls stay one line each: each has its own duration.
 */
export function groupCalls(entries: readonly RecentCallDto[]): CallGroup[] {
  const groups: CallGroup[] = [];
  for (const entry of entries) {
    const outcome = outcomeOf(entry);
    const previous = groups.at(-1);
    if (entry.answeredAt !== null && entry.endedAt !== null) {
      const durationMs = Date.parse(entry.endedAt) - Date.parse(entry.answeredAt);
      groups.push({ latest: entry, outcome, count: 1, durationMs });
    } else if (
      previous &&
      previous.durationMs === undefined &&
      previous.outcome === outcome &&
      previous.latest.peer === entry.peer
    ) {
      previous.count += entry.attempts;
    } else {
      groups.push({ latest: entry, outcome, count: entry.attempts });
    }
  }
  return groups;
}
