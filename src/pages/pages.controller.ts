import {
  Body,
  Controller,
  Get,
  HttpException,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request, Response } from 'express';
import { AUTH_COOKIE, authCookieOptions } from '../auth/auth-cookie.js';
import { AuthService, TooManyLoginAttempts } from '../auth/auth.service.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Public } from '../auth/public.decorator.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { fieldErrors } from '../common/validation.pipe.js';
import { CreateUserDto } from '../users/dto/create-user.dto.js';
import { renderCallPage } from './call-page.view.js';
import { formText, type FormFields, type FormView } from './dto/form-fields.dto.js';
import { safeNextPath } from './local-path.js';

/** Server-rendered pages; the forms work without JavaScript and use the same logic as the API. */
@Controller()
@Public()
export class PagesController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  root(@CurrentUser() user: AuthenticatedUser | undefined, @Res() response: Response): void {
    response.redirect(302, user ? callPagePath(user.username) : '/login');
  }

  @Get('login')
  loginForm(@Query('next') next: unknown, @Res() response: Response): void {
    this.renderForm(response, 'login', { next: safeNextPath(next), values: {}, errors: {} });
  }

  @Post('login')
  async login(@Body() body: FormFields, @Req() request: Request, @Res() response: Response) {
    const form: FormView = {
      next: safeNextPath(body?.next),
      values: { username: formText(body, 'username') },
      errors: {},
    };
    try {
      const password = formText(body, 'password');
      await this.logIn(form.values.username, password, request, response, form.next);
    } catch (error) {
      if (error instanceof TooManyLoginAttempts) {
        response.setHeader('Retry-After', String(error.retryAfterSeconds));
      }
      form.errors.password = messageOf(error);
      this.renderForm(response, 'login', form, statusOf(error));
    }
  }

  @Get('register')
  registerForm(@Query('next') next: unknown, @Res() response: Response): void {
    this.renderForm(response, 'register', { next: safeNextPath(next), values: {}, errors: {} });
  }

  @Post('register')
  async register(@Body() body: FormFields, @Req() request: Request, @Res() response: Response) {
    const fields = {
      username: formText(body, 'username'),
      password: formText(body, 'password'),
      displayName: formText(body, 'displayName') || undefined,
    };
    const form: FormView = {
      next: safeNextPath(body?.next),
      values: { username: fields.username, displayName: fields.displayName ?? '' },
      errors: {},
    };
    const dto = plainToInstance(CreateUserDto, fields);
    const invalid = fieldErrors(await validate(dto));
    for (const [field, problems] of Object.entries(invalid)) {
      form.errors[field] = problems.join('; ');
    }
    if (Object.keys(invalid).length > 0) {
      return this.renderForm(response, 'register', form, HttpStatus.BAD_REQUEST);
    }
    try {
      await this.auth.register(dto);
    } catch (error) {
      form.errors.username = messageOf(error);
      return this.renderForm(response, 'register', form, statusOf(error));
    }
    await this.logIn(dto.username, dto.password, request, response, form.next);
  }

  @Post('logout')
  logout(@Req() request: Request, @Res() response: Response): void {
    response.clearCookie(AUTH_COOKIE, authCookieOptions(request));
    response.redirect(303, '/login');
  }

  @Get('webrtc/:username')
  callPage(
    @Param('username') username: string,
    @CurrentUser() user: AuthenticatedUser | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): void {
    if (!user) {
      const next = callPagePath(username);
      return response.redirect(302, `/login?next=${encodeURIComponent(next)}`);
    }
    if (user.username !== username.toLowerCase()) {
      return response.status(403).render('forbidden', { title: 'Not your page', user });
    }
    renderCallPage(request, response, user);
  }

  private async logIn(
    username: string,
    password: string,
    request: Request,
    response: Response,
    next: string | undefined,
  ): Promise<void> {
    const session = await this.auth.login({ username, password }, request.ip ?? '');
    response.cookie(
      AUTH_COOKIE,
      session.accessToken,
      authCookieOptions(request, session.expiresIn),
    );
    response.redirect(303, next ?? callPagePath(session.user.username));
  }

  private renderForm(
    response: Response,
    view: 'login' | 'register',
    form: FormView,
    status: number = HttpStatus.OK,
  ): void {
    const title = view === 'login' ? 'Log in' : 'Create account';
    response.status(status).render(view, { title, ...form });
  }
}

function callPagePath(username: string): string {
  return `/webrtc/${encodeURIComponent(username)}`;
}

function statusOf(error: unknown): number {
  if (error instanceof HttpException) {
    return error.getStatus();
  }
  throw error;
}

function messageOf(error: unknown): string {
  if (error instanceof HttpException) {
    return error.message;
  }
  throw error;
}
