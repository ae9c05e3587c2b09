import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CallsModule } from '../calls/calls.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { AppConfig } from '../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { SignalingEngineModule } from './engines/engine.module.js';
import { SessionRegistry } from './session-registry.js';
import { UpgradeAdmission } from './upgrade-admission.js';
import { UpgradeAuthenticator } from './upgrade-authenticator.js';

/**
 * The signaling endpoint on the engine SignalingEngineModule chose: SignalingGateway composed with
 * MemoryBackend (everything in this process's memory) or, with REDIS_URL, RedisBackend.
 */
@Module({})
export class SignalingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SignalingModule,
      imports: [AuthModule, UsersModule, CallsModule, ContactsModule, PrivacyModule],
      providers: [
        ...SignalingEngineModule.gatewayProviders(config),
        SessionRegistry,
        UpgradeAuthenticator,
        UpgradeAdmission,
      ],
      exports: [UpgradeAuthenticator, UpgradeAdmission],
    };
  }
}
