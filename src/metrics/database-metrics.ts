import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { METRIC_PREFIX, MetricsRegistry } from './metrics-registry.js';

/** The part of a node-postgres Pool read here (TypeORM types its pool as `any`). */
interface PgPoolCounts {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

/**
 * The PostgreSQL connection pool: clients open, idle, and queries waiting for one. On SQLite there
 * is no pool (one embedded connection, no waiting), so nothing is reported.
 */
@Injectable()
export class DatabaseMetrics {
  constructor(metrics: MetricsRegistry, dataSource: DataSource) {
    if (dataSource.options.type !== 'postgres') {
      return;
    }
    const pool = (): PgPoolCounts | undefined =>
      (dataSource.driver as unknown as { master?: PgPoolCounts }).master;
    new Gauge({
      name: `${METRIC_PREFIX}db_pool_clients`,
      help: 'PostgreSQL pool clients by state (total, idle) and queries waiting for a client',
      labelNames: ['state'],
      registers: [metrics.registry],
      collect() {
        const counts = pool();
        if (counts) {
          this.set({ state: 'total' }, counts.totalCount);
          this.set({ state: 'idle' }, counts.idleCount);
          this.set({ state: 'waiting' }, counts.waitingCount);
        }
      },
    });
  }
}
