import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { TRANSLATIONS } from '../i18n/locale.js';
import { requestLocale } from '../i18n/request-locale.js';

/**
 * `/offline`: what the installed app shows when it is opened without a network. The service
 * worker fetches it once (in the user's language, `?lang=`) and serves it from its cache when a
 * page cannot be loaded; it needs no login and no script.
 */
@Controller('offline')
@Public()
export class OfflinePageController {
  @Get()
  @Header('Cache-Control', 'no-cache')
  page(@Req() request: Request, @Res() response: Response): void {
    const { locale } = requestLocale(request);
    const t = TRANSLATIONS[locale].ui;
    response.vary('Accept-Language');
    response.render('offline', { title: t.offlineTitle, lang: locale, t });
  }
}
