import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CallsModule } from '../calls/calls.module.js';
import { UsersModule } from '../users/users.module.js';
import { SessionRegistry } from './session-registry.js';
import { SignalingGateway } from './signaling.gateway.js';
import { UpgradeAuthenticator } from './upgrade-authenticator.js';

@Module({
  imports: [AuthModule, UsersModule, CallsModule],
  providers: [SignalingGateway, SessionRegistry, UpgradeAuthenticator],
  exports: [UpgradeAuthenticator],
})
export class SignalingModule {}
