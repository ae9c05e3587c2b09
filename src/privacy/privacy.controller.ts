import { Body, Controller, Get, Patch, UseGuards } from '@nestjs/common';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { JsonBodyGuard } from '../auth/json-body.guard.js';
import { SameOriginGuard } from '../auth/same-origin.guard.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { type PrivacySettingsDto, UpdatePrivacyDto } from './dto/privacy.dto.js';
import { PrivacyService } from './privacy.service.js';

/** Who can ring you, and do-not-disturb. */
@Controller('privacy')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  @Get()
  get(@CurrentUser() user: AuthenticatedUser): Promise<PrivacySettingsDto> {
    return this.privacy.get(user.id);
  }

  @Patch()
  @UseGuards(SameOriginGuard, JsonBodyGuard)
  update(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: UpdatePrivacyDto,
  ): Promise<PrivacySettingsDto> {
    return this.privacy.update(user.id, dto);
  }
}
