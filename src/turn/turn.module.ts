import { Module } from '@nestjs/common';
import { TurnController } from './turn.controller.js';

/** `GET /ice-servers`: STUN and ephemeral TURN credentials for the call page. */
@Module({ controllers: [TurnController] })
export class TurnModule {}
