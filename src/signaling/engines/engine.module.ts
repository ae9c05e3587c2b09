import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import { LoginThrottle } from '../../auth/login-throttle.js';
import { RateBuckets } from '../../auth/rate-buckets.js';
import type { AppConfig } from '../../config/app-config.js';
import { SignalingMetrics } from '../../metrics/signaling-metrics.js';
import { PresenceCounter } from '../../users/presence.js';
import { SignalingEngine } from '../engine.js';
import { ResumeService } from '../resume/resume.service.js';
import { SignalingGateway } from '../signaling.gateway.js';
import { SignalingBackend } from '../signaling-backend.js';
import { MemoryBackend } from './memory/memory-backend.js';
import { MemoryEngine } from './memory/memory-engine.js';
import { RedisBackend } from './redis/redis-backend.js';
import { RedisConnection, RedisUnavailableError } from './redis/redis-connection.js';
import { RedisEngine } from './redis/redis-engine.js';
import { RedisSignaling } from './redis/redis-signaling.js';

/**
 * The one place where the engine is chosen, from REDIS_URL, at start-up: memory (one process) or
 * Redis (several instances). It provides SignalingEngine, which every other module asks for the
 * shared state (src/signaling/engine-providers.ts), and the request budgets and login lock-out;
 * `gatewayProviders` is the signaling endpoint on that engine. With Redis the start fails, naming
 * REDIS_URL, rather than fall back to memory.
 */
@Global()
@Module({})
export class SignalingEngineModule {
  static forRoot(config: AppConfig): DynamicModule {
    const lockout = {
      maxFailures: config.accounts.loginMaxFailures,
      windowMs: config.accounts.loginLockoutSeconds * 1000,
    };
    const engine: Provider[] = config.redis
      ? [
          {
            provide: RedisSignaling,
            inject: [SignalingMetrics],
            useFactory: (metrics: SignalingMetrics) =>
              RedisSignaling.start(config, (command, seconds) =>
                metrics.redisCommand(command, seconds),
              ),
          },
          {
            provide: SignalingEngine,
            inject: [RedisSignaling],
            useFactory: (cluster: RedisSignaling) =>
              new RedisEngine(cluster, config.signaling.revocationMaxStaleMs),
          },
        ]
      : [{ provide: SignalingEngine, useValue: new MemoryEngine() }];
    return {
      module: SignalingEngineModule,
      providers: [
        ...engine,
        {
          provide: RateBuckets,
          inject: [SignalingEngine, SignalingMetrics],
          useFactory: (engine: SignalingEngine, metrics: SignalingMetrics) =>
            counted(engine.rateBuckets(), metrics),
        },
        {
          provide: LoginThrottle,
          inject: [SignalingEngine],
          useFactory: (engine: SignalingEngine) => engine.loginThrottle(lockout),
        },
        {
          provide: PresenceCounter,
          inject: [SignalingEngine],
          useFactory: (engine: SignalingEngine) => engine.presenceCounter(),
        },
      ],
      exports: [
        SignalingEngine,
        RateBuckets,
        LoginThrottle,
        PresenceCounter,
        ...(config.redis ? [RedisSignaling] : []),
      ],
    };
  }

  /**
   * The signaling endpoint on the chosen engine (SignalingModule's providers): the one gateway,
   * composed with that engine's SignalingBackend.
   */
  static gatewayProviders(config: AppConfig): Provider[] {
    return config.redis
      ? [SignalingGateway, { provide: SignalingBackend, useClass: RedisBackend }]
      : [SignalingGateway, { provide: SignalingBackend, useClass: MemoryBackend }, ResumeService];
  }

  /**
   * Before the app is built: with REDIS_URL an instance never serves without Redis (it would be a
   * second, separate Dialtone), so an unreachable Redis ends the process with a message naming
   * REDIS_URL.
   */
  static async preflight(config: AppConfig, logger: Logger): Promise<void> {
    if (!config.redis) {
      return;
    }
    const probe = new RedisConnection(config.redis.url);
    try {
      await probe.connect();
    } catch (error) {
      if (error instanceof RedisUnavailableError) {
        logger.fatal({ context: 'Main' }, error.message);
        process.exit(1);
      }
      throw error;
    }
    await probe.close();
  }
}

/**
 * The HTTP request budgets' refusals (429) count in GET /metrics as `http:<budget>`: wrapped
 * around whichever engine's buckets, so that no engine has to count them.
 */
function counted(buckets: RateBuckets, metrics: SignalingMetrics): RateBuckets {
  return {
    take: async (budget, key, perMinute) => {
      const wait = await buckets.take(budget, key, perMinute);
      if (wait > 0) {
        metrics.rateLimited(`http:${budget}`);
      }
      return wait;
    },
  };
}
