import { Controller, Get, Query } from '@nestjs/common';
import { CurrentUser } from '../auth/current-user.decorator.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { DirectoryService } from './directory.service.js';
import type { DirectoryEntryDto } from './dto/directory-entry.dto.js';
import { SearchUsersQuery } from './dto/search-users.query.js';

@Controller('users')
export class DirectoryController {
  constructor(private readonly directory: DirectoryService) {}

  /** `GET /users?search=ali&limit=10`: your contacts first (with presence), then everyone else. */
  @Get()
  search(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: SearchUsersQuery,
  ): Promise<DirectoryEntryDto[]> {
    return this.directory.search(user, query.search, query.limit);
  }
}
