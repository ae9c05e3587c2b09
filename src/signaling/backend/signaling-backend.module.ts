import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { SignalingMetrics } from '../../metrics/signaling-metrics.js';
import { LoginAttempts } from '../../auth/login-attempts.js';
import { LoginThrottle } from '../../auth/login-throttle.js';
import { LocalRateBuckets, RateBuckets } from '../../auth/rate-buckets.js';
import { ClusterLoginThrottle, ClusterRateBuckets } from './redis/cluster-rate-limits.js';
import { RedisSignaling } from './redis/redis-signaling.js';

/**
 * The one place where memory or Redis is chosen, from REDIS_URL, at start-up. With Redis it
 * provides the connected RedisSignaling (or the start fails, naming REDIS_URL: an instance never
 * falls back to memory), and the request budgets and login lock-out shared by every instance;
 * without, those live in this process.
 */
@Global()
@Module({})
export class SignalingBackendModule {
  static forRoot(config: AppConfig): DynamicModule {
    const lockout = {
      maxFailures: config.accounts.loginMaxFailures,
      windowMs: config.accounts.loginLockoutSeconds * 1000,
    };
    if (!config.redis) {
      return {
        module: SignalingBackendModule,
        providers: [
          {
            provide: RateBuckets,
            inject: [SignalingMetrics],
            useFactory: (metrics: SignalingMetrics) => counted(new LocalRateBuckets(), metrics),
          },
          { provide: LoginThrottle, useValue: new LoginAttempts(lockout) },
        ],
        exports: [RateBuckets, LoginThrottle],
      };
    }
    return {
      module: SignalingBackendModule,
      providers: [
        {
          provide: RedisSignaling,
          inject: [SignalingMetrics],
          useFactory: (metrics: SignalingMetrics) =>
            RedisSignaling.start(config, (command, seconds) =>
              metrics.redisCommand(command, seconds),
            ),
        },
        {
          provide: RateBuckets,
          inject: [RedisSignaling, SignalingMetrics],
          useFactory: (redis: RedisSignaling, metrics: SignalingMetrics) =>
            counted(new ClusterRateBuckets(redis), metrics),
        },
        {
          provide: LoginThrottle,
          inject: [RedisSignaling],
          useFactory: (redis: RedisSignaling) => new ClusterLoginThrottle(redis, lockout),
        },
      ],
      exports: [RedisSignaling, RateBuckets, LoginThrottle],
    };
  }
}

/** The HTTP request budgets' refusals (429) count in GET /metrics as `http:<budget>`. */
function counted(buckets: RateBuckets, metrics: SignalingMetrics): RateBuckets {
  buckets.onRefused((budget) => metrics.rateLimited(`http:${budget}`));
  return buckets;
}
