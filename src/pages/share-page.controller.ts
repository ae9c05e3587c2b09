import { Controller, Get, HttpStatus, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Public } from '../auth/public.decorator.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { TRANSLATIONS } from '../i18n/locale.js';
import { requestLocale } from '../i18n/request-locale.js';
import { format } from '../i18n/translation.js';
import { UsersService } from '../users/users.service.js';
import { sharePath } from './share-path.js';

/**
 * `/u/<username>`: the link someone shares ("Share my link" on the call page). A visitor who is
 * logged in can call that person or ask to be their contact; one who is not goes through login
 * (or registration) and comes back here.
 */
@Controller('u')
@Public()
export class SharePageController {
  constructor(private readonly users: UsersService) {}

  @Get(':username')
  async page(
    @Param('username') username: string,
    @CurrentUser() user: AuthenticatedUser | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    if (!user) {
      return response.redirect(302, `/login?next=${encodeURIComponent(sharePath(username))}`);
    }
    const { locale } = requestLocale(request);
    const t = TRANSLATIONS[locale].ui;
    const person = await this.users.findByUsername(username);
    response.vary('Accept-Language');
    if (!person) {
      return response.status(HttpStatus.NOT_FOUND).render('share', {
        title: t.shareNotFound,
        lang: locale,
        t,
        user,
        heading: format(t.shareNotFound, { username }),
      });
    }
    const { displayName } = person;
    response.render('share', {
      title: displayName,
      lang: locale,
      t,
      user,
      heading: displayName,
      person: { username: person.username, displayName },
      own: person.username === user.username,
      link: `${request.protocol}://${request.get('host') ?? ''}${sharePath(person.username)}`,
      callLabel: format(t.shareCall, { peer: displayName }),
      callHref: `/webrtc/${user.username}?call=${encodeURIComponent(person.username)}`,
    });
  }
}
