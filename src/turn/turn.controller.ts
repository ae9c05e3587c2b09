import { Controller, Get } from '@nestjs/common';
import { CurrentUser } from '../auth/current-user.decorator.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { AppConfig } from '../config/app-config.js';
import type { IceServersDto } from './dto/ice-servers.dto.js';
import { iceServersFor } from './ice-servers.js';

/** Hands logged-in users the ICE servers for their calls (the global guard refuses everyone else). */
@Controller('ice-servers')
export class TurnController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  iceServers(@CurrentUser() user: AuthenticatedUser): IceServersDto {
    return iceServersFor(this.config.ice, user.id, Date.now());
  }
}
