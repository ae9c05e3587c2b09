import {
  Body,
  Controller,
  Get,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request, Response } from 'express';
import { AUTH_COOKIE, authCookieOptions, clearAuthCookie } from '../auth/auth-cookie.js';
import { AccountRoute, LogoutRoute } from '../auth/account-route.decorator.js';
import { AuthService } from '../auth/auth.service.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Public } from '../auth/public.decorator.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { TRANSLATIONS } from '../i18n/locale.js';
import { requestLocale } from '../i18n/request-locale.js';
import { format } from '../i18n/translation.js';
import { CreateUserDto } from '../users/dto/create-user.dto.js';
import { renderAccountForm } from './account-form.view.js';
import { renderCallPage } from './call-page.view.js';
import { FormRefusalFilter } from './form-refusal.filter.js';
import { formText, type FormFields, type FormView } from './dto/form-fields.dto.js';
import { registerFieldErrors } from './form-errors.js';
import { safeNextPath } from './local-path.js';

/** Server-rendered pages; the forms work without JavaScript and use the same logic as the API. */
@Controller()
@Public()
export class PagesController {
  constructor(private readonly auth: AuthService) {}

  /**
   * Your own call page (the installed app's start_url). `?answer=<callId>`, from a push
   * notification's Accept, is carried over: the page then answers that call as soon as it rings.
   */
  @Get()
  root(
    @CurrentUser() user: AuthenticatedUser | undefined,
    @Query('answer') answer: unknown,
    @Res() response: Response,
  ): void {
    const carried = typeof answer === 'string' && CALL_ID.test(answer) ? `?answer=${answer}` : '';
    if (!user) {
      const next = carried ? `/${carried}` : undefined;
      return response.redirect(302, next ? `/login?next=${encodeURIComponent(next)}` : '/login');
    }
    response.redirect(302, callPagePath(user.username) + carried);
  }

  @Get('login')
  loginForm(
    @Query('next') next: unknown,
    @Query('deleted') deleted: unknown,
    @Res() response: Response,
  ): void {
    renderAccountForm(response, 'login', {
      next: safeNextPath(next),
      values: {},
      errors: {},
      deleted: deleted === '1',
    });
  }

  @Post('login')
  @AccountRoute()
  @UseFilters(FormRefusalFilter)
  async login(@Body() body: FormFields, @Req() request: Request, @Res() response: Response) {
    // A refusal (wrong password, lock-out, budget) is the form again: FormRefusalFilter.
    const username = formText(body, 'username');
    await this.logIn(
      username,
      formText(body, 'password'),
      request,
      response,
      safeNextPath(body?.next),
    );
  }

  @Get('register')
  registerForm(@Query('next') next: unknown, @Res() response: Response): void {
    renderAccountForm(response, 'register', { next: safeNextPath(next), values: {}, errors: {} });
  }

  @Post('register')
  @AccountRoute()
  @UseFilters(FormRefusalFilter)
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
    const { locale } = requestLocale(request);
    const dto = plainToInstance(CreateUserDto, fields);
    const typed = { ...form.values, password: fields.password };
    form.errors = registerFieldErrors(await validate(dto), typed, locale);
    if (Object.keys(form.errors).length > 0) {
      return renderAccountForm(response, 'register', form, HttpStatus.BAD_REQUEST);
    }
    await this.auth.register(dto, locale); // a refusal is the form again (FormRefusalFilter)
    await this.logIn(dto.username, dto.password, request, response, form.next);
  }

  @Post('logout')
  @LogoutRoute()
  async logout(
    @CurrentUser() user: AuthenticatedUser | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.auth.logout(user);
    loggedOut(request, response);
  }

  /** The call page's "Log out everywhere": every token of the account, on every device. */
  @Post('logout-all')
  @LogoutRoute()
  async logoutAll(
    @CurrentUser() user: AuthenticatedUser | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    if (user) {
      await this.auth.logoutEverywhere(user);
    }
    loggedOut(request, response);
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
      const { locale } = requestLocale(request);
      const t = TRANSLATIONS[locale].account;
      return response.status(403).render('forbidden', {
        title: t.notYourPageTitle,
        lang: locale,
        t,
        loggedInAs: format(t.loggedInAs, { username: user.username }),
        user,
      });
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
}

/** The server's call ids are UUIDs; nothing else is carried into a redirect. */
const CALL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** After a logout: no cookie, and the login form. */
function loggedOut(request: Request, response: Response): void {
  clearAuthCookie(request, response);
  response.redirect(303, '/login');
}

function callPagePath(username: string): string {
  return `/webrtc/${encodeURIComponent(username)}`;
}
