import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordHasher } from './password-hasher.js';
import { DeletedAccount } from './deleted-account.entity.js';
import { presenceProvider } from '../signaling/engine-providers.js';
import { Presence } from './presence.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User, DeletedAccount])],
  controllers: [UsersController],
  providers: [UsersService, PasswordHasher, presenceProvider],
  exports: [UsersService, Presence],
})
export class UsersModule {}
