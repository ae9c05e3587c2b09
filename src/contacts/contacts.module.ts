import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { User } from '../users/user.entity.js';
import { UsersModule } from '../users/users.module.js';
import { Block } from './block.entity.js';
import { BlocksController } from './blocks.controller.js';
import { BlocksService } from './blocks.service.js';
import { contactEventsProvider } from '../signaling/engine-providers.js';
import { ContactEvents } from './contact-events.js';
import { ContactLink } from './contact-link.entity.js';
import { ContactPresence } from './contact-presence.js';
import { ContactsController } from './contacts.controller.js';
import { ContactsService } from './contacts.service.js';
import { Relationships } from './relationships.js';

@Module({
  imports: [TypeOrmModule.forFeature([ContactLink, Block, User]), UsersModule],
  controllers: [ContactsController, BlocksController],
  providers: [
    Relationships,
    ContactsService,
    BlocksService,
    ContactPresence,
    contactEventsProvider,
  ],
  exports: [Relationships, ContactEvents],
})
export class ContactsModule {}
