import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CreateUserDto } from '../users/dto/create-user.dto.js';
import type { UserProfileDto } from '../users/dto/user-profile.dto.js';
import { AUTH_COOKIE, authCookieOptions } from './auth-cookie.js';
import { AuthService } from './auth.service.js';
import { LoginDto, LoginResponseDto } from './dto/login.dto.js';
import { Public } from './public.decorator.js';

@Controller('auth')
@Public()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  register(@Body() dto: CreateUserDto): Promise<UserProfileDto> {
    return this.auth.register(dto);
  }

  @Post('login')
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

  @Post('logout')
  @HttpCode(204)
  logout(@Req() request: Request, @Res({ passthrough: true }) response: Response): void {
    response.clearCookie(AUTH_COOKIE, authCookieOptions(request));
  }
}
