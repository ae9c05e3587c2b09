import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { JsonBodyGuard } from '../auth/json-body.guard.js';
import { Public } from '../auth/public.decorator.js';
import { SameOriginGuard } from '../auth/same-origin.guard.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { AppConfig } from '../config/app-config.js';
import {
  PushEndpointDto,
  type PushDeviceDto,
  PushSubscriptionDto,
  type VapidPublicKeyDto,
} from './dto/push-subscription.dto.js';
import { PushSubscriptions } from './push-subscriptions.service.js';

/**
 * The browsers an account is rung on when no Dialtone page is open (Web Push). Changes are
 * refused from other sites' pages (403), as on /contacts.
 */
@Controller('push')
export class PushController {
  constructor(
    private readonly subscriptions: PushSubscriptions,
    private readonly config: AppConfig,
  ) {}

  /** The `applicationServerKey` a page subscribes with: public by nature. */
  @Get('vapid-public-key')
  @Public()
  vapidPublicKey(): VapidPublicKeyDto {
    return { publicKey: this.config.push.vapid.publicKey };
  }

  /** 201 for a new device, 200 when the endpoint was known (refreshed, or moved to this account). */
  @Post('subscriptions')
  @UseGuards(SameOriginGuard, JsonBodyGuard)
  async subscribe(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: PushSubscriptionDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    const { created } = await this.subscriptions.subscribe(
      user.id,
      dto,
      request.get('user-agent') ?? '',
    );
    response.status(created ? 201 : 200);
  }

  @Delete('subscriptions')
  @HttpCode(204)
  @UseGuards(SameOriginGuard, JsonBodyGuard)
  async unsubscribe(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: PushEndpointDto,
  ): Promise<void> {
    await this.subscriptions.unsubscribe(user.id, dto.endpoint);
  }

  /** This account's devices, newest first (the account page's list). */
  @Get('subscriptions')
  devices(@CurrentUser() user: AuthenticatedUser): Promise<PushDeviceDto[]> {
    return this.subscriptions.devices(user.id);
  }

  /** The account page's Remove: by the id it listed (it does not know other devices' endpoints). */
  @Delete('subscriptions/:id')
  @HttpCode(204)
  @UseGuards(SameOriginGuard)
  async removeDevice(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    if (!(await this.subscriptions.removeDevice(user.id, id))) {
      throw new NotFoundException('No such device');
    }
  }
}
