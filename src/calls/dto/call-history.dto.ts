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
}
