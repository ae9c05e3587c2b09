import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { AccountRateLimits } from './account-rate-limits.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { tokenRevocationsProvider } from '../signaling/engine-providers.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { RevokedToken } from './revoked-token.entity.js';
import { TokenRevocations } from './token-revocations.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [
    UsersModule,
    TypeOrmModule.forFeature([RevokedToken]),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const { issuer, audience } = config.jwt;
        return {
          // A KeyObject verifies ~50x faster than a string secret in jsonwebtoken, which bounds
          // how fast thousands of sockets can reconnect.
          secret: createSecretKey(config.jwt.secret),
          signOptions: { algorithm: 'HS256', expiresIn: config.jwt.ttlSeconds, issuer, audience },
          verifyOptions: { algorithms: ['HS256'], issuer, audience },
        };
      },
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    tokenRevocationsProvider,
    AccountRateLimits,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
  // AccountRateLimits is shared, so that the forms (PagesModule) and the API spend one budget.
  exports: [AuthService, TokenService, TokenRevocations, AccountRateLimits],
})
export class AuthModule {}
