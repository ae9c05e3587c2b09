import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ContactsModule } from '../contacts/contacts.module.js';
import { User } from '../users/user.entity.js';
import { CallHistoryService } from './call-history.service.js';
import { CallRecord } from './call-record.entity.js';
import { CallsController } from './calls.controller.js';
import { PeerNames } from './peer-names.js';

@Module({
  imports: [TypeOrmModule.forFeature([CallRecord, User]), ContactsModule],
  controllers: [CallsController],
  providers: [CallHistoryService, PeerNames],
  exports: [CallHistoryService],
})
export class CallsModule {}
