import { Controller, Get, NotFoundException, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { Public } from '../auth/public.decorator.js';
import { AppConfig } from '../config/app-config.js';
import { PUBLIC_DIR } from '../config/paths.js';
import { requestLocale } from '../i18n/request-locale.js';
import { TRANSLATIONS } from '../i18n/locale.js';
import { format } from '../i18n/translation.js';
import { rootCertificateProfile } from './mobileconfig.js';

/** A 1x1 transparent PNG: what the trust check loads from the HTTPS origin. */
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/**
 * `/trust`: the page a phone opens over plain HTTP (Caddy forwards only /trust and /trust/* on port 80) to get
 * the local root CA, its fingerprint, per-platform steps and a QR code of the HTTPS address. It
 * exists only with LOCAL_CA_CERT (a LAN install); the assets it needs are served under /trust
 * too, since every other plain-HTTP path redirects to HTTPS, which the phone does not trust yet.
 */
@Controller('trust')
@Public()
export class TrustController {
  private qrCode: Promise<Buffer> | undefined;

  constructor(private readonly config: AppConfig) {}

  private localCa(): NonNullable<AppConfig['localCa']> {
    if (this.config.localCa === undefined) {
      throw new NotFoundException();
    }
    return this.config.localCa;
  }

  /** The HTTPS address to open once the root is trusted: PUBLIC_URL, or this host over HTTPS. */
  private httpsOrigin(request: Request): string {
    return this.config.publicOrigin ?? `https://${request.hostname}`;
  }

  @Get()
  page(@Req() request: Request, @Res() response: Response): void {
    const ca = this.localCa();
    const { locale } = requestLocale(request);
    const t = TRANSLATIONS[locale].trust;
    const origin = this.httpsOrigin(request);
    const url = `${origin}/`;
    // The check loads an image from the HTTPS origin: it loads only if the browser trusts the
    // certificate. That origin is the one addition to the app's usual policy.
    response.setHeader(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        `img-src 'self' ${origin}`,
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
    response.vary('Accept-Language');
    response.render('trust', {
      // A page of its own, not layout.hbs: that one links assets outside /trust.
      layout: false,
      title: t.title,
      lang: locale,
      t,
      url,
      fingerprint: ca.sha256,
      qrAlt: format(t.qrAlt, { url }),
      qrHint: format(t.qrHint, { url }),
      trusted: format(t.trusted, { url }),
      probe: `${origin}/trust/check.png`,
    });
  }

  @Get('dialtone-root.crt')
  certificate(@Res() response: Response): void {
    const ca = this.localCa();
    // DER, the form Android's installer, Windows and desktop browsers all take.
    // attachment() sets a type from the file name: the explicit type comes after it.
    response
      .attachment('dialtone-root.crt')
      .type('application/x-x509-ca-cert')
      .setHeader('Cache-Control', 'no-cache');
    response.send(ca.der);
  }

  @Get('dialtone.mobileconfig')
  profile(@Req() request: Request, @Res() response: Response): void {
    const ca = this.localCa();
    const host = new URL(this.httpsOrigin(request)).hostname;
    response
      .attachment('dialtone.mobileconfig')
      .type('application/x-apple-aspen-config')
      .setHeader('Cache-Control', 'no-cache');
    // A Buffer, so that Express adds no "; charset" to the type iOS matches on.
    response.send(Buffer.from(rootCertificateProfile(ca.der, host), 'utf8'));
  }

  @Get('qr.png')
  async qr(@Req() request: Request, @Res() response: Response): Promise<void> {
    this.localCa();
    this.qrCode ??= QRCode.toBuffer(`${this.httpsOrigin(request)}/`, {
      type: 'png',
      errorCorrectionLevel: 'M',
      margin: 2,
      width: 264,
    });
    response.type('image/png').setHeader('Cache-Control', 'no-cache');
    response.send(await this.qrCode);
  }

  @Get('check.png')
  check(@Res() response: Response): void {
    this.localCa();
    // Loaded by the plain-HTTP page, another origin: helmet's same-origin default would block it
    // in every browser, trusted or not.
    response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    response.type('image/png').setHeader('Cache-Control', 'no-store');
    response.send(PIXEL);
  }

  @Get('trust-page.js')
  script(@Res() response: Response): void {
    this.localCa();
    response.sendFile(join(PUBLIC_DIR, 'js', 'trust-page.js'));
  }

  @Get('app.css')
  styles(@Res() response: Response): void {
    this.localCa();
    response.sendFile(join(PUBLIC_DIR, 'css', 'app.css'));
  }
}
