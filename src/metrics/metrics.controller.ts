import { createHash, timingSafeEqual } from 'node:crypto';
import {
  Controller,
  Get,
  Headers,
  NotFoundException,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsRegistry } from './metrics-registry.js';

/**
 * GET /metrics for a Prometheus scraper: 404 unless METRICS_TOKEN is set, then only with
 * `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise). Public to the account guard: the
 * scraper has a token of its own, not an account.
 */
@Controller('metrics')
@Public()
export class MetricsController {
  private readonly expected: Buffer | undefined;

  constructor(
    config: AppConfig,
    private readonly metrics: MetricsRegistry,
  ) {
    this.expected = config.metrics.token === undefined ? undefined : digest(config.metrics.token);
  }

  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    if (!this.expected) {
      throw new NotFoundException('Metrics are disabled: set METRICS_TOKEN to enable them');
    }
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    // Equal-length digests: the comparison takes as long whatever the token's length.
    if (token === undefined || !timingSafeEqual(digest(token), this.expected)) {
      throw new UnauthorizedException(
        'Metrics need the header "Authorization: Bearer <METRICS_TOKEN>"',
      );
    }
    response.type(this.metrics.contentType).send(await this.metrics.text());
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
