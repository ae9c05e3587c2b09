import { Controller, Get, Optional } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type { HealthCheckResult, HealthIndicatorResult } from '@nestjs/terminus';
import { RedisSignaling } from '../signaling/backend/redis/redis-signaling.js';
import { Public } from '../auth/public.decorator.js';

@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Optional() private readonly cluster?: RedisSignaling,
  ) {}

  /**
   * 200 with the database status (and Redis's with REDIS_URL), or 503 when the database does not
   * answer within 1.5 s — or, with REDIS_URL, while Redis does not answer, the instance is fenced
   * or it is shutting down, so that a load balancer sends nobody new to it.
   */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    const database = () => this.database.pingCheck('database', { timeout: 1500 });
    return this.health.check(this.cluster ? [database, () => this.redis()] : [database]);
  }

  private async redis(): Promise<HealthIndicatorResult> {
    const redis = this.indicators.check('redis');
    const cluster = this.cluster!;
    if (cluster.draining) {
      return redis.down({ message: 'shutting down' });
    }
    if (!cluster.serving) {
      return redis.down({ message: 'Redis unreachable' });
    }
    try {
      await cluster.connection.ping();
      return redis.up();
    } catch {
      return redis.down({ message: 'Redis unreachable' });
    }
  }
}
