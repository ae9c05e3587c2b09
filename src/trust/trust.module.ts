import { Module } from '@nestjs/common';
import { TrustController } from './trust.controller.js';

/** /trust: the local root certificate for phones (LAN installs; see docs/deploy.md). */
@Module({ controllers: [TrustController] })
export class TrustModule {}
