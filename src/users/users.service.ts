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

  /** Directory search by username or display-name prefix; online accounts first. */
  async search(prefix: string | undefined, limit: number): Promise<DirectoryEntryDto[]> {
    const query = this.users.createQueryBuilder('user').orderBy('user.username').take(limit);
    if (prefix) {
      const pattern = `${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.where(
        "(user.username LIKE :pattern ESCAPE '\\' OR LOWER(user.displayName) LIKE :pattern ESCAPE '\\')",
        { pattern },
      );
    }
    const found = await query.getMany();
    return found
      .map((user) => ({
        username: user.username,
        displayName: user.displayName,
        online: this.presence.isOnline(user.username),
      }))
      .sort((a, b) => Number(b.online) - Number(a.online));
  }
}
