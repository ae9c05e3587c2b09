import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { JsonBodyGuard } from '../auth/json-body.guard.js';
import { SameOriginGuard } from '../auth/same-origin.guard.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { ParseUsernamePipe } from '../users/parse-username.pipe.js';
import { BlocksService } from './blocks.service.js';
import { type ListedAccountDto, UsernameDto } from './dto/contact.dto.js';

/** The accounts you blocked. Changes are refused from other sites' pages (403). */
@Controller('blocks')
export class BlocksController {
  constructor(private readonly blocks: BlocksService) {}

  @Get()
  list(@CurrentUser() user: AuthenticatedUser): Promise<ListedAccountDto[]> {
    return this.blocks.list(user);
  }

  @Post()
  @HttpCode(204)
  @UseGuards(SameOriginGuard, JsonBodyGuard)
  async block(@CurrentUser() user: AuthenticatedUser, @Body() dto: UsernameDto): Promise<void> {
    await this.blocks.block(user, dto.username);
  }

  @Delete(':username')
  @HttpCode(204)
  @UseGuards(SameOriginGuard)
  async unblock(
    @CurrentUser() user: AuthenticatedUser,
    @Param('username', ParseUsernamePipe) username: string,
  ): Promise<void> {
    await this.blocks.unblock(user, username);
  }
}
