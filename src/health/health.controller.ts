import { Controller, Get } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type { HealthCheckResult, HealthIndicatorResult } from '@nestjs/terminus';
import { type EngineHealth, SignalingEngine } from '../signaling/engine.js';
import { Public } from '../auth/public.decorator.js';

@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly engine: SignalingEngine,
  ) {}

  /**
   * 200 with the database status (and the engine's, if it has one: Redis's with REDIS_URL), or 503
   * when the database does not answer within 1.5 s — or while the engine says it is not serving
   * (Redis does not answer, the instance is fenced or shutting down), so that a load balancer
   * sends nobody new to it.
   */
  @Get()
  @HealthCheck()
  check(): Promise<HealthCheckResult> {
    const database = () => this.database.pingCheck('database', { timeout: 1500 });
    const engine = this.engine.health;
    return this.health.check(engine ? [database, () => this.engineStatus(engine)] : [database]);
  }

  private async engineStatus(engine: EngineHealth): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(engine.name);
    const down = await engine.check();
    return down === undefined ? indicator.up() : indicator.down({ message: down });
  }
}
