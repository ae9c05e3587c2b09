import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThanOrEqual, MoreThan, QueryFailedError, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { DeletedAccount } from './deleted-account.entity.js';
import { CreateUserDto } from './dto/create-user.dto.js';
import { PasswordHasher } from './password-hasher.js';
import { User } from './user.entity.js';
import { normalizeUsername } from './username.js';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(DeletedAccount) private readonly deleted: Repository<DeletedAccount>,
    private readonly hasher: PasswordHasher,
    private readonly config: AppConfig,
  ) {}

  /** `beforeHash` runs once the name is known to be free, just before the argon2 hash. */
  async create(dto: CreateUserDto, beforeHash?: () => Promise<void>): Promise<User> {
    const username = dto.username.toLowerCase();
    // A deleted account's name is taken until its cooling-off ends: same answer, no tell.
    const [taken, reserved] = await Promise.all([
      this.users.existsBy({ username }),
      this.deleted.existsBy({ username, usernameFreeAt: MoreThan(new Date()) }),
    ]);
    if (taken || reserved) {
      throw new ConflictException(`The username "${username}" is already taken`);
    }
    await beforeHash?.();
    const user = this.users.create({
      id: randomUUID(),
      username,
      displayName: dto.displayName || username,
      passwordHash: await this.hasher.hash(dto.password),
      createdAt: new Date(),
      tokenGeneration: 0,
    });
    try {
      await this.users.insert(user);
    } catch (error) {
      // Two registrations racing for one name: the unique index decides.
      if (error instanceof QueryFailedError && /unique|duplicate/i.test(error.message)) {
        throw new ConflictException(`The username "${username}" is already taken`);
      }
      throw error;
    }
    return this.users.findOneByOrFail({ id: user.id });
  }

  /**
   * The account if the password matches; otherwise undefined. `beforeHash` runs just before the
   * argon2 verification, which only an existing account costs: for a name without one, the
   * answer waits as long as a verification takes instead, so the time does not tell them apart.
   */
  async verifyCredentials(
    rawUsername: string,
    password: string,
    beforeHash?: () => Promise<void>,
  ): Promise<User | undefined> {
    const username = normalizeUsername(rawUsername);
    const withHash = username
      ? await this.users
          .createQueryBuilder('user')
          .addSelect('user.passwordHash')
          .where('user.username = :username', { username })
          .getOne()
      : null;
    if (!withHash) {
      await this.hasher.imitateVerify();
      return undefined;
    }
    await beforeHash?.();
    if (!(await this.hasher.verify(withHash.passwordHash, password))) {
      return undefined;
    }
    const { passwordHash, ...user } = withHash;
    return user as User;
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  /** The account with this username (any case); null when there is none or it is not valid. */
  async findByUsername(raw: string): Promise<User | null> {
    const username = normalizeUsername(raw);
    return username ? this.users.findOneBy({ username }) : null;
  }

  /** The renamed account, or null when it no longer exists. */
  async rename(id: string, displayName: string): Promise<User | null> {
    await this.users.update({ id }, { displayName });
    return this.users.findOneBy({ id });
  }

  async setPassword(id: string, password: string): Promise<void> {
    await this.users.update({ id }, { passwordHash: await this.hasher.hash(password) });
  }

  /**
   * Deletes the account; its contact links and blocks go with it (ON DELETE CASCADE). A tombstone
   * keeps the username reserved for USERNAME_COOLING_OFF and the id's tokens refused (see
   * TokenRevocations.accountDeleted); tombstones that serve neither purpose any more are swept.
   */
  async remove(user: Pick<User, 'id' | 'username'>): Promise<void> {
    const now = Date.now();
    await this.deleted
      .createQueryBuilder()
      .insert()
      .values({
        userId: user.id,
        username: user.username,
        deletedAt: new Date(now),
        usernameFreeAt: new Date(now + this.config.privacy.usernameCoolingOffSeconds * 1000),
      })
      .orIgnore()
      .execute();
    await this.users.delete({ id: user.id });
    await this.deleted.delete({
      usernameFreeAt: LessThanOrEqual(new Date(now)),
      deletedAt: LessThanOrEqual(new Date(now - this.config.jwt.ttlSeconds * 1000)),
    });
  }

  /** Deleted accounts whose tokens may not have expired yet: every one of them is refused. */
  async deletedAccountIds(): Promise<string[]> {
    const since = new Date(Date.now() - this.config.jwt.ttlSeconds * 1000);
    const rows = await this.deleted.find({
      select: { userId: true },
      where: { deletedAt: MoreThan(since) },
    });
    return rows.map((row) => row.userId);
  }

  /** Revokes the account's tokens (log out everywhere); returns the generation new ones get. */
  async nextTokenGeneration(id: string): Promise<number> {
    await this.users.increment({ id }, 'tokenGeneration', 1);
    const user = await this.users.findOneByOrFail({ id });
    return user.tokenGeneration;
  }

  /** The accounts that have logged out everywhere at least once, with their current generation. */
  revokedTokenGenerations(): Promise<Pick<User, 'id' | 'tokenGeneration'>[]> {
    return this.users.find({
      select: { id: true, tokenGeneration: true },
      where: { tokenGeneration: MoreThan(0) },
    });
  }
}
