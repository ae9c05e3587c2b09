import { Injectable } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric name of ours starts with this. */
export const METRIC_PREFIX = 'dialtone_';

/**
 * The one Prometheus registry of this process (not prom-client's global one, so that several apps
 * in one test process never share counters), with Node's default metrics: CPU, memory, GC, and
 * `nodejs_eventloop_lag_*` among them.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition format; gauges with a collect callback are computed now. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
