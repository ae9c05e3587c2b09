import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { CreateUserDto } from './dto/create-user.dto.js';
import { DirectoryEntryDto } from './dto/user-profile.dto.js';
import { PasswordHasher } from './password-hasher.js';
import { PresenceService } from './presence.service.js';
import { User } from './user.entity.js';
import { normalizeUsername } from './username.js';

/** How many online usernames a search puts first (bounds the IN list). */
const MAX_ONLINE_FIRST = 500;

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    private readonly presence: PresenceService,
  ) {}

  async create(dto: CreateUserDto): Promise<User> {
    const username = dto.username.toLowerCase();
    if (await this.users.existsBy({ username })) {
      throw new ConflictException(`The username "${username}" is already taken`);
    }
    const user = this.users.create({
      id: randomUUID(),
      username,
      displayName: dto.displayName || username,
      passwordHash: await this.hasher.hash(dto.password),
      createdAt: new Date(),
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

  /** The account if the password matches; otherwise undefined, after the same amount of work. */
  async verifyCredentials(rawUsername: string, password: string): Promise<User | undefined> {
    const username = normalizeUsername(rawUsername);
    const withHash = username
      ? await this.users
          .createQueryBuilder('user')
          .addSelect('user.passwordHash')
          .where('user.username = :username', { username })
          .getOne()
      : null;
    const ok = await this.hasher.verify(withHash?.passwordHash, password);
    if (!ok || !withHash) {
      return undefined;
    }
    const { passwordHash, ...user } = withHash;
    return user as User;
  }

  findById(id: string): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  exists(username: string): Promise<boolean> {
    return this.users.existsBy({ username });
  }

  /**
   * Directory search by username or display-name prefix, online accounts first: matching online
   * users are fetched before the rest, so an online friend is never cut off by the limit behind
   * offline names that sort earlier.
   */
  async search(prefix: string | undefined, limit: number): Promise<DirectoryEntryDto[]> {
    const online = this.presence.onlineUsernames(prefix?.toLowerCase() ?? '', MAX_ONLINE_FIRST);
    const first = online.length > 0 ? await this.matching(prefix, limit, online, 'IN') : [];
    const rest =
      first.length < limit
        ? await this.matching(prefix, limit - first.length, online, 'NOT IN')
        : [];
    return [...first, ...rest].map((user) => ({
      username: user.username,
      displayName: user.displayName,
      online: this.presence.isOnline(user.username),
    }));
  }

  private matching(
    prefix: string | undefined,
    limit: number,
    usernames: string[],
    membership: 'IN' | 'NOT IN',
  ): Promise<User[]> {
    const query = this.users.createQueryBuilder('user').orderBy('user.username').take(limit);
    if (prefix) {
      const pattern = `${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.where(
        "(user.username LIKE :pattern ESCAPE '\\' OR LOWER(user.displayName) LIKE :pattern ESCAPE '\\')",
        { pattern },
      );
    }
    if (usernames.length > 0) {
      query.andWhere(`user.username ${membership} (:...usernames)`, { usernames });
    }
    return query.getMany();
  }
}
