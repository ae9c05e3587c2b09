import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import compression from 'compression';
import hbs from 'hbs';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { HttpErrorFilter } from './common/http-error.filter.js';
import { createValidationPipe } from './common/validation.pipe.js';
import { AppConfig } from './config/app-config.js';
import { PUBLIC_DIR, VIEWS_DIR } from './config/paths.js';
import { PinoLoggerService } from './logging/pino-logger.service.js';
import { assetUrl, HASHED_ASSET_MAX_AGE, HASHED_ASSETS_DIR } from './pages/asset-urls.js';
import { requestLogging } from './logging/request-logging.js';
import { createRootLogger } from './logging/root-logger.js';
import { SignalingWsAdapter } from './signaling/signaling-ws.adapter.js';
import { UpgradeAdmission } from './signaling/upgrade-admission.js';
import { UpgradeAuthenticator } from './signaling/upgrade-authenticator.js';

const BODY_LIMIT = '16kb';
/**
 * The call page needs the camera and microphone, and screen capture for screen sharing, for
 * itself only (no frame may be handed them); every other powerful feature is off.
 */
const PERMISSIONS_POLICY = [
  'camera=(self)',
  'microphone=(self)',
  'display-capture=(self)',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'serial=()',
  'hid=()',
  'midi=()',
  'accelerometer=()',
  'gyroscope=()',
  'magnetometer=()',
  'publickey-credentials-get=()',
  'screen-wake-lock=()',
  'xr-spatial-tracking=()',
].join(', ');

/**
 * class-transformer silently drops `__proto__`/`constructor` keys, so the validation pipe never
 * sees them as unknown fields; refuse them while parsing instead (400).
 */
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
    throw new SyntaxError(`The field "${key}" is not allowed`);
  }
  return value;
}

/** Whether a request path names a source map, however it is escaped (the static server decodes). */
function isSourceMapPath(path: string): boolean {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // A malformed escape: the static server refuses it too.
  }
  return /\.map\/*$/i.test(decoded);
}

/**
 * Builds the whole application; main.ts and the e2e suites share it so tests run the real thing.
 * Every line it logs, Nest's own included, goes through `logger` (by default one made from
 * LOG_FORMAT and LOG_LEVEL).
 */
export async function createApp(
  config: AppConfig,
  logger: Logger = createRootLogger(config.logging),
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: new PinoLoggerService(logger),
  });
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  app.use(requestLogging(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          mediaSrc: ["'self'", 'blob:', 'mediastream:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      // Same-site media and the camera need these relaxed defaults left alone.
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use((_request: Request, response: Response, next: NextFunction) => {
    response.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
    next();
  });
  // gzip (or brotli) for text a browser can take compressed, as Caddy does in the compose stack.
  app.use(compression());
  app.useBodyParser('json', { limit: BODY_LIMIT, reviver: refusePrototypeKeys });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: false });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());
  app.setBaseViewsDir(VIEWS_DIR);
  app.setViewEngine('hbs');
  hbs.registerHelper('asset', (path: string) => assetUrl(path));
  if (config.production) {
    // Source maps would publish the client's original source; they are for development.
    app.use((request: Request, response: Response, next: NextFunction) => {
      if (isSourceMapPath(request.path)) {
        response.status(404).json({ statusCode: 404, message: 'Not found' });
      } else {
        next();
      }
    });
  }
  app.useStaticAssets(HASHED_ASSETS_DIR, {
    prefix: '/assets/',
    index: false,
    immutable: true,
    maxAge: HASHED_ASSET_MAX_AGE,
  });
  app.useStaticAssets(PUBLIC_DIR, { index: false, maxAge: config.production ? '1h' : 0 });
  app.useWebSocketAdapter(
    new SignalingWsAdapter(app, app.get(UpgradeAuthenticator), app.get(UpgradeAdmission)),
  );
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  return app;
}
