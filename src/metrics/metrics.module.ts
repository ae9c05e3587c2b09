import { Global, Module } from '@nestjs/common';
import { DatabaseMetrics } from './database-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRegistry } from './metrics-registry.js';
import { SignalingMetrics } from './signaling-metrics.js';

/** GET /metrics and the metrics the rest of the app feeds (SignalingMetrics is global). */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [MetricsRegistry, SignalingMetrics, DatabaseMetrics],
  exports: [SignalingMetrics, MetricsRegistry],
})
export class MetricsModule {}
