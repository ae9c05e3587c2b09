import { BadRequestException, NotFoundException } from '@nestjs/common';
import type { UsersService } from '../users/users.service.js';
import type { Person } from './relationships.js';

/** The account named `username` that an action of `me` is about: 404 if none, 400 if `me`. */
export async function otherAccount(
  users: UsersService,
  me: Person,
  username: string,
  selfRefusal: string,
): Promise<Person> {
  const other = await users.findByUsername(username);
  if (!other) {
    throw new NotFoundException(`There is no account named ${username.toLowerCase()}`);
  }
  if (other.id === me.id) {
    throw new BadRequestException(selfRefusal);
  }
  return other;
}
