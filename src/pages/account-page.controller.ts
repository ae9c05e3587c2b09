import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Public } from '../auth/public.decorator.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { AppConfig } from '../config/app-config.js';
import { TRANSLATIONS } from '../i18n/locale.js';
import { requestLocale } from '../i18n/request-locale.js';
import { format } from '../i18n/translation.js';
import { UsersService } from '../users/users.service.js';

const DAY_SECONDS = 86_400;

/** `/account`: the display name, the password, a copy of your data, deleting the account. */
@Controller('account')
@Public()
export class AccountPageController {
  constructor(
    private readonly users: UsersService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async page(
    @CurrentUser() user: AuthenticatedUser | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const account = user ? await this.users.findById(user.id) : null;
    if (!account) {
      return response.redirect(302, `/login?next=${encodeURIComponent('/account')}`);
    }
    const { locale } = requestLocale(request);
    const t = TRANSLATIONS[locale].privacy;
    const days = Math.max(
      1,
      Math.round(this.config.privacy.usernameCoolingOffSeconds / DAY_SECONDS),
    );
    response.vary('Accept-Language');
    response.render('account', {
      title: t.accountTitle,
      lang: locale,
      t,
      account,
      callPage: `/webrtc/${encodeURIComponent(account.username)}`,
      signedInAs: format(t.signedInAs, { name: account.displayName, username: account.username }),
      deleteHint: format(t.deleteHint, { days }),
    });
  }
}
