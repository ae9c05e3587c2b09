import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CallsModule } from '../calls/calls.module.js';
import { ContactsModule } from '../contacts/contacts.module.js';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { AppConfig } from '../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { ClusterSignalingGateway } from './backend/redis/cluster-signaling.gateway.js';
import { ResumeService } from './resume/resume.service.js';
import { SessionRegistry } from './session-registry.js';
import { SignalingGateway } from './signaling.gateway.js';
import { UpgradeAdmission } from './upgrade-admission.js';
import { UpgradeAuthenticator } from './upgrade-authenticator.js';

/**
 * The signaling endpoint: SignalingGateway with everything in this process's memory, or, with
 * REDIS_URL, ClusterSignalingGateway on the shared state (SignalingBackendModule provides it).
 */
@Module({})
export class SignalingModule {
  static forRoot(config: AppConfig): DynamicModule {
    const gateway = config.redis ? [ClusterSignalingGateway] : [SignalingGateway, ResumeService];
    return {
      module: SignalingModule,
      imports: [AuthModule, UsersModule, CallsModule, ContactsModule, PrivacyModule],
      providers: [...gateway, SessionRegistry, UpgradeAuthenticator, UpgradeAdmission],
      exports: [UpgradeAuthenticator, UpgradeAdmission],
    };
  }
}
