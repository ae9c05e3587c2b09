import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { JsonBodyGuard } from '../auth/json-body.guard.js';
import { SameOriginGuard } from '../auth/same-origin.guard.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { ParseUsernamePipe } from '../users/parse-username.pipe.js';
import { ContactsService } from './contacts.service.js';
import {
  type ContactDto,
  type ContactListDto,
  type ContactRequestResultDto,
  UsernameDto,
} from './dto/contact.dto.js';

/** Your contacts and contact requests. Changes are refused from other sites' pages (403). */
@Controller('contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Get()
  list(@CurrentUser() user: AuthenticatedUser): Promise<ContactListDto> {
    return this.contacts.list(user);
  }

  /** Asks someone to become a contact, or accepts when they already asked you. */
  @Post()
  @HttpCode(200)
  @UseGuards(SameOriginGuard, JsonBodyGuard)
  request(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: UsernameDto,
  ): Promise<ContactRequestResultDto> {
    return this.contacts.request(user, dto.username);
  }

  @Post(':username/accept')
  @HttpCode(200)
  @UseGuards(SameOriginGuard)
  accept(
    @CurrentUser() user: AuthenticatedUser,
    @Param('username', ParseUsernamePipe) username: string,
  ): Promise<ContactDto> {
    return this.contacts.accept(user, username);
  }

  /** Removes a contact, withdraws your request, or declines theirs. */
  @Delete(':username')
  @HttpCode(204)
  @UseGuards(SameOriginGuard)
  async remove(
    @CurrentUser() user: AuthenticatedUser,
    @Param('username', ParseUsernamePipe) username: string,
  ): Promise<void> {
    await this.contacts.remove(user, username);
  }
}
