import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CallHistoryService } from './call-history.service.js';
import { CallRecord } from './call-record.entity.js';
import { CallsController } from './calls.controller.js';

@Module({
  imports: [TypeOrmModule.forFeature([CallRecord])],
  controllers: [CallsController],
  providers: [CallHistoryService],
  exports: [CallHistoryService],
})
export class CallsModule {}
