import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Relationships } from '../contacts/relationships.js';
import type { CallAccess } from '../signaling/call-machine.types.js';
import { User } from '../users/user.entity.js';
import { callAccess } from './call-access.js';

/**
 * Decides each call_start before the call machine sees it: does the callee exist, may this caller
 * ring them, is do-not-disturb on. The same three queries run for every existing callee, online or
 * not, allowed or not, so a refused call is answered as fast as one to an offline account.
 */
@Injectable()
export class CallPolicy {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly relationships: Relationships,
  ) {}

  async access(callerId: string, calleeUsername: string): Promise<CallAccess> {
    const callee = await this.users.findOne({
      where: { username: calleeUsername },
      select: { id: true, whoCanRing: true, doNotDisturb: true, doNotDisturbUntil: true },
    });
    if (!callee) {
      return 'unknown_user';
    }
    const standing = await this.relationships.between(callerId, callee.id);
    const contacts = standing.aAsked && standing.bAsked;
    return callAccess(callee, { contacts, blockedByCallee: standing.bBlockedA }, new Date());
  }
}
