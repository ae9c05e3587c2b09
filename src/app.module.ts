import { DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AccountModule } from './account/account.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CallsModule } from './calls/calls.module.js';
import { AppConfig } from './config/app-config.js';
import { NoStoreInterceptor } from './common/no-store.interceptor.js';
import { ConfigModule } from './config/config.module.js';
import { ContactsModule } from './contacts/contacts.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DirectoryModule } from './directory/directory.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PagesModule } from './pages/pages.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';
import { PushModule } from './push/push.module.js';
import { SignalingEngineModule } from './signaling/engines/engine.module.js';
import { SignalingModule } from './signaling/signaling.module.js';
import { TrustModule } from './trust/trust.module.js';
import { TurnModule } from './turn/turn.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        UsersModule,
        AuthModule,
        PagesModule,
        HealthModule,
        MetricsModule,
        TurnModule,
        TrustModule,
        CallsModule,
        ContactsModule,
        DirectoryModule,
        PrivacyModule,
        AccountModule,
        PushModule,
        SignalingEngineModule.forRoot(config),
        SignalingModule.forRoot(config),
      ],
      providers: [{ provide: APP_INTERCEPTOR, useClass: NoStoreInterceptor }],
    };
  }
}
