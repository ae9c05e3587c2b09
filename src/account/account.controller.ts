import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Patch,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { AccountRoute } from '../auth/account-route.decorator.js';
import {
  AUTH_COOKIE,
  authCookieOptions,
  clearAuthCookie,
  tokenFromHeaders,
} from '../auth/auth-cookie.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import type { LoginResponseDto } from '../auth/dto/login.dto.js';
import { JsonBodyGuard } from '../auth/json-body.guard.js';
import { SameOriginGuard } from '../auth/same-origin.guard.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { requestLocale } from '../i18n/request-locale.js';
import type { UserProfileDto } from '../users/dto/user-profile.dto.js';
import { AccountService } from './account.service.js';
import {
  type AccountDataDto,
  ChangePasswordDto,
  DeleteAccountDto,
  RenameDto,
} from './dto/account.dto.js';

/**
 * "My account" over the API (the /account page uses it). Every change is refused from other
 * sites' pages (403); the ones that check the password count against the account request budget
 * and the login lock-out.
 */
@Controller('users/me')
export class AccountController {
  constructor(private readonly account: AccountService) {}

  /** The new name; a cookie session gets a new cookie, so that its pages show the name at once. */
  @Patch()
  @UseGuards(SameOriginGuard, JsonBodyGuard)
  async rename(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: RenameDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UserProfileDto> {
    const session = await this.account.rename(user, dto.displayName);
    if (tokenFromHeaders(request.headers).fromCookie) {
      setAuthCookie(request, response, session);
    }
    return session.user;
  }

  /** Other sessions are logged out; this one carries on with the token (and cookie) answered. */
  @Post('password')
  @HttpCode(200)
  @AccountRoute()
  @UseGuards(JsonBodyGuard)
  async changePassword(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: ChangePasswordDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LoginResponseDto> {
    const { locale } = requestLocale(request);
    const session = await this.account.changePassword(user, dto, request.ip ?? '', locale);
    setAuthCookie(request, response, session);
    return session;
  }

  @Delete()
  @HttpCode(204)
  @AccountRoute()
  @UseGuards(JsonBodyGuard)
  async delete(
    @CurrentUser() user: AuthenticatedUser,
    @Body() dto: DeleteAccountDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.account.delete(user, dto.password, request.ip ?? '');
    clearAuthCookie(request, response);
  }

  /** Everything kept about you, as a JSON file to download. */
  @Get('data')
  async export(
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AccountDataDto> {
    const data = await this.account.export(user);
    response.attachment(`dialtone-${data.profile.username}.json`);
    return data;
  }
}

function setAuthCookie(request: Request, response: Response, session: LoginResponseDto): void {
  response.cookie(AUTH_COOKIE, session.accessToken, authCookieOptions(request, session.expiresIn));
}
