import type { User } from '../user.entity.js';

/** What an account looks like to its owner (`GET /users/me`, registration, login). */
export interface UserProfileDto {
  id: string;
  username: string;
  displayName: string;
  createdAt: string;
}

export function toProfile(user: User): UserProfileDto {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    createdAt: new Date(user.createdAt).toISOString(),
  };
}
