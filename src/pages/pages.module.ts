import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountPageController } from './account-page.controller.js';
import { OfflinePageController } from './offline-page.controller.js';
import { PagesController } from './pages.controller.js';
import { SharePageController } from './share-page.controller.js';

@Module({
  imports: [AuthModule, UsersModule],
  controllers: [PagesController, AccountPageController, SharePageController, OfflinePageController],
})
export class PagesModule {}
