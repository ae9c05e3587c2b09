import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class ListCallsQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;
}

/** One entry of `GET /calls`, from the requesting user's side. */
export interface CallHistoryEntryDto {
  callId: string;
  direction: 'outgoing' | 'incoming';
  /** The other party's username. */
  peer: string;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  /** The code the call ended with (see docs/protocol.md); null while it is still going on. */
  endCode: string | null;
  /** An incoming call that ended without being answered or declined. */
  missed: boolean;
  /**
   * How many calls this entry stands for: unanswered attempts from the same caller, one after the
   * other within HISTORY_MERGE_WINDOW, share one entry (its times are the latest attempt's).
   */
  attempts: number;
}

/** One entry of `GET /calls`: the history entry and how the other party names themselves. */
export interface RecentCallDto extends CallHistoryEntryDto {
  /** The peer's display name (their username when the account is gone). */
  peerDisplayName: string;
}
