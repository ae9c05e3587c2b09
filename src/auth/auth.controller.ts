import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { requestLocale } from '../i18n/request-locale.js';
import { CreateUserDto } from '../users/dto/create-user.dto.js';
import type { UserProfileDto } from '../users/dto/user-profile.dto.js';
import { AccountRoute, LogoutRoute } from './account-route.decorator.js';
import { AUTH_COOKIE, authCookieOptions, clearAuthCookie } from './auth-cookie.js';
import { AuthService } from './auth.service.js';
import { CurrentUser } from './current-user.decorator.js';
import { LoginDto, LoginResponseDto } from './dto/login.dto.js';
import { JsonBodyGuard } from './json-body.guard.js';
import { Public } from './public.decorator.js';
import type { AuthenticatedUser } from './token.service.js';

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @AccountRoute()
  @Public()
  @UseGuards(JsonBodyGuard)
  register(@Body() dto: CreateUserDto, @Req() request: Request): Promise<UserProfileDto> {
    return this.auth.register(dto, requestLocale(request).locale);
  }

  @Post('login')
  @AccountRoute()
  @Public()
  @UseGuards(JsonBodyGuard)
  @HttpCode(200)
  async login(
    @Body() dto: LoginDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LoginResponseDto> {
    const session = await this.auth.login(dto, request.ip ?? '');
    response.cookie(
      AUTH_COOKIE,
      session.accessToken,
      authCookieOptions(request, session.expiresIn),
    );
    return session;
  }

  /** Revokes the token of this request (header or cookie) and clears the cookie. */
  @Post('logout')
  @LogoutRoute()
  @Public()
  @HttpCode(204)
  async logout(
    @CurrentUser() user: AuthenticatedUser | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.auth.logout(user);
    clearAuthCookie(request, response);
  }

  /** Revokes every token of the account and closes its sockets, on every device. */
  @Post('logout-all')
  @LogoutRoute()
  @HttpCode(204)
  async logoutAll(
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.auth.logoutEverywhere(user);
    clearAuthCookie(request, response);
  }
}
