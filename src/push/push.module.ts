import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { User } from '../users/user.entity.js';
import { CallDeclineController } from './call-decline.controller.js';
import { CallPushNotifier } from './call-push-notifier.js';
import { PushController } from './push.controller.js';
import { PushMetrics } from './push-metrics.js';
import { PushSender } from './push-sender.js';
import { PushSubscriptionRecord } from './push-subscription.entity.js';
import { PushSubscriptions } from './push-subscriptions.service.js';
import { WebPushCallNotifier } from './web-push-call-notifier.js';

/**
 * Web Push for incoming calls: subscriptions, the sender, and the CallPushNotifier the call
 * rules use (global, so that the signaling modules can inject it without importing this one).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([PushSubscriptionRecord, User])],
  controllers: [PushController, CallDeclineController],
  providers: [
    PushSubscriptions,
    PushMetrics,
    {
      provide: PushSender,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new PushSender({
          vapid: config.push.vapid,
          allowedEndpoints: config.push.allowedEndpoints,
          timeoutMs: config.push.sendTimeoutMs,
        }),
    },
    WebPushCallNotifier,
    { provide: CallPushNotifier, useExisting: WebPushCallNotifier },
  ],
  exports: [PushSubscriptions, CallPushNotifier],
})
export class PushModule {}
