import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config.js';
import { RedisSignaling } from './redis/redis-signaling.js';

/**
 * The one place where memory or Redis is chosen, from REDIS_URL, at start-up. With Redis it
 * provides the connected RedisSignaling (or the start fails, naming REDIS_URL: an instance never
 * falls back to memory); without, nothing, and everything stays in this process.
 */
@Global()
@Module({})
export class SignalingBackendModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.redis) {
      return { module: SignalingBackendModule };
    }
    return {
      module: SignalingBackendModule,
      providers: [{ provide: RedisSignaling, useFactory: () => RedisSignaling.start(config) }],
      exports: [RedisSignaling],
    };
  }
}
