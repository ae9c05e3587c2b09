import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AuthService, WeakPasswordException } from '../auth/auth.service.js';
import type { LoginResponseDto } from '../auth/dto/login.dto.js';
import { TokenRevocations } from '../auth/token-revocations.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { CallHistoryService } from '../calls/call-history.service.js';
import { validationFailed } from '../common/validation.pipe.js';
import { AppConfig } from '../config/app-config.js';
import { ContactEvents, contactEvent } from '../contacts/contact-events.js';
import { toListedAccount } from '../contacts/dto/contact.dto.js';
import { Relationships } from '../contacts/relationships.js';
import type { Locale } from '../i18n/locale.js';
import { PrivacyService } from '../privacy/privacy.service.js';
import { PushSubscriptions } from '../push/push-subscriptions.service.js';
import { toProfile } from '../users/dto/user-profile.dto.js';
import { passwordProblem } from '../users/password-policy.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import type { AccountDataDto, ChangePasswordDto } from './dto/account.dto.js';

export const WRONG_PASSWORD = 'The password is wrong';

/** "My account": the display name, the password, deleting the account, and a copy of its data. */
@Injectable()
export class AccountService {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly revocations: TokenRevocations,
    private readonly history: CallHistoryService,
    private readonly relationships: Relationships,
    private readonly events: ContactEvents,
    private readonly privacy: PrivacyService,
    private readonly pushSubscriptions: PushSubscriptions,
    private readonly config: AppConfig,
  ) {}

  /**
   * Renames the account; answers with a new token that carries the new name. Everyone who has the
   * account in a list (contacts, requests either way) sees the new name at once.
   */
  async rename(user: AuthenticatedUser, displayName: string): Promise<LoginResponseDto> {
    const account = existing(await this.users.rename(user.id, displayName));
    for (const username of await this.relationships.linkedUsernames(account.id)) {
      this.events.publish(contactEvent.renamed(username, account));
    }
    return this.auth.session(account);
  }

  /**
   * Needs the current password (under the login lock-out). Every other token of the account is
   * revoked and its sockets closed; the answer is a new token for this session to carry on with.
   */
  async changePassword(
    user: AuthenticatedUser,
    dto: ChangePasswordDto,
    ip: string,
    locale: Locale,
  ): Promise<LoginResponseDto> {
    const account = await this.confirm(user, dto.currentPassword, ip);
    if (dto.newPassword === dto.currentPassword) {
      throw validationFailed({
        newPassword: ['newPassword must differ from the current password'],
      });
    }
    const problem = await passwordProblem(dto.newPassword, account);
    if (problem) {
      throw new WeakPasswordException(problem, locale);
    }
    await this.users.setPassword(account.id, dto.newPassword);
    await this.revocations.revokeAll(account);
    return this.auth.session((await this.users.findById(account.id)) ?? account);
  }

  /**
   * Needs the password. The account, its contacts, blocks, push subscriptions and call history go; every token it had
   * is refused and its sockets closed; its username stays reserved for USERNAME_COOLING_OFF. Those
   * who had it in a list see it leave, as after a removal.
   */
  async delete(user: AuthenticatedUser, password: string, ip: string): Promise<void> {
    const account = await this.confirm(user, password, ip);
    const linked = await this.relationships.linkedUsernames(account.id);
    await this.users.remove(account);
    await this.revocations.accountDeleted(account);
    // After the account row is gone no call can start to or from it, so this catches them all.
    await this.history.forget(account.username);
    for (const username of linked) {
      this.events.publish(contactEvent.removed(username, account.username));
    }
  }

  async export(user: AuthenticatedUser): Promise<AccountDataDto> {
    const account = existing(await this.users.findById(user.id));
    const [contacts, received, sent, blocked, privacy, calls, pushDevices] = await Promise.all([
      this.relationships.contactsOf(account.id),
      this.relationships.incomingRequests(account.id),
      this.relationships.outgoingRequests(account.id),
      this.relationships.blockedBy(account.id),
      this.privacy.get(account.id),
      this.history.list(account.username, this.config.history.maxPerUser),
      this.pushSubscriptions.devices(account.id),
    ]);
    return {
      exportedAt: new Date().toISOString(),
      profile: toProfile(account),
      privacy,
      contacts: contacts.map(toListedAccount),
      contactRequestsReceived: received.map(toListedAccount),
      contactRequestsSent: sent.map(toListedAccount),
      blocked: blocked.map(toListedAccount),
      calls,
      pushDevices,
    };
  }

  /** The account, if `password` is its password; 403 otherwise (not 401: the login is fine). */
  private async confirm(user: AuthenticatedUser, password: string, ip: string): Promise<User> {
    const account = await this.auth.checkPassword(user.username, password, ip);
    if (!account || account.id !== user.id) {
      throw new ForbiddenException(WRONG_PASSWORD);
    }
    return account;
  }
}

/** A request of an account deleted meanwhile (its token was still in flight): 404, as /users/me. */
function existing(account: User | null): User {
  if (!account) {
    throw new NotFoundException('This account no longer exists');
  }
  return account;
}
