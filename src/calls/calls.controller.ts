import { Controller, Get, Query } from '@nestjs/common';
import { CurrentUser } from '../auth/current-user.decorator.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { CallHistoryService } from './call-history.service.js';
import { ListCallsQuery, RecentCallDto } from './dto/call-history.dto.js';
import { PeerNames } from './peer-names.js';

@Controller('calls')
export class CallsController {
  constructor(
    private readonly history: CallHistoryService,
    private readonly peerNames: PeerNames,
  ) {}

  /** The user's recent calls, newest first, missed calls marked, with the peers' display names. */
  @Get()
  async list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ListCallsQuery,
  ): Promise<RecentCallDto[]> {
    const entries = await this.history.list(user.username, query.limit);
    const names = await this.peerNames.of(entries.map((entry) => entry.peer));
    return entries.map((entry) => ({
      ...entry,
      peerDisplayName: names.get(entry.peer) ?? entry.peer,
    }));
  }
}
