import { Controller, Get, Query } from '@nestjs/common';
import { CurrentUser } from '../auth/current-user.decorator.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { CallHistoryService } from './call-history.service.js';
import { CallHistoryEntryDto, ListCallsQuery } from './dto/call-history.dto.js';

@Controller('calls')
export class CallsController {
  constructor(private readonly history: CallHistoryService) {}

  /** The user's recent calls, newest first, missed calls marked. */
  @Get()
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: ListCallsQuery,
  ): Promise<CallHistoryEntryDto[]> {
    return this.history.list(user.username, query.limit);
  }
}
