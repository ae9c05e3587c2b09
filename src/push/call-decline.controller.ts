import {
  Controller,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  UseGuards,
} from '@nestjs/common';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { SameOriginGuard } from '../auth/same-origin.guard.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { WebPushCallNotifier } from './web-push-call-notifier.js';

export const NOT_RINGING = 'This call is no longer ringing';

/**
 * A notification's Decline, sent by the service worker with the cookie: the call is declined
 * without a page being opened.
 */
@Controller('calls')
export class CallDeclineController {
  constructor(private readonly notifier: WebPushCallNotifier) {}

  @Post(':callId/decline')
  @HttpCode(204)
  @UseGuards(SameOriginGuard)
  async decline(
    @CurrentUser() user: AuthenticatedUser,
    @Param('callId', new ParseUUIDPipe()) callId: string,
  ): Promise<void> {
    if (!(await this.notifier.decline(callId, user.username))) {
      throw new NotFoundException(NOT_RINGING);
    }
  }
}
