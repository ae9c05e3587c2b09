import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { METRIC_PREFIX, MetricsRegistry } from '../metrics/metrics-registry.js';
import type { PushPayload } from './push-payload.js';
import type { PushFailure } from './push-sender.js';

/** Pushes accepted by push services, failures by reason, and subscriptions found gone. */
@Injectable()
export class PushMetrics {
  private readonly sent: Counter<'type'>;
  private readonly failed: Counter<'reason'>;
  private readonly expired: Counter;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.sent = new Counter({
      name: `${METRIC_PREFIX}push_sent_total`,
      help: 'Push messages a push service accepted, by payload type (call, call_ended)',
      labelNames: ['type'],
      registers,
    });
    this.failed = new Counter({
      name: `${METRIC_PREFIX}push_failed_total`,
      help: 'Push messages not delivered to the push service, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.expired = new Counter({
      name: `${METRIC_PREFIX}push_subscriptions_expired_total`,
      help: 'Subscriptions removed because their push service answered 404 or 410',
      registers,
    });
  }

  countSent(type: PushPayload['type']): void {
    this.sent.inc({ type });
  }

  countFailed(reason: PushFailure): void {
    this.failed.inc({ reason });
  }

  countExpired(): void {
    this.expired.inc();
  }
}
