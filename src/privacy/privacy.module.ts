import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContactsModule } from '../contacts/contacts.module.js';
import { User } from '../users/user.entity.js';
import { CallPolicy } from './call-policy.js';
import { PrivacyController } from './privacy.controller.js';
import { PrivacyService } from './privacy.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User]), ContactsModule],
  controllers: [PrivacyController],
  providers: [PrivacyService, CallPolicy],
  exports: [CallPolicy, PrivacyService],
})
export class PrivacyModule {}
