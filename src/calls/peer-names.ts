import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { User } from '../users/user.entity.js';

/** Display names for the people in a list of calls, in one query. */
@Injectable()
export class PeerNames {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** username → display name; an account that no longer exists is left out. */
  async of(usernames: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(usernames)];
    if (unique.length === 0) {
      return new Map();
    }
    const found = await this.users.find({
      where: { username: In(unique) },
      select: { username: true, displayName: true },
    });
    return new Map(found.map((user) => [user.username, user.displayName]));
  }
}
