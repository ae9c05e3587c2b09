import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordHasher } from './password-hasher.js';
import { DeletedAccount } from './deleted-account.entity.js';
import { presenceProvider } from '../signaling/engine-providers.js';
import { PresenceService } from './presence.service.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User, DeletedAccount])],
  controllers: [UsersController],
  providers: [UsersService, PasswordHasher, presenceProvider],
  exports: [UsersService, PresenceService],
})
export class UsersModule {}
