import { IsString, Matches } from 'class-validator';
import { USERNAME_PATTERN, USERNAME_RULE } from '../../users/username.js';
import type { Listed } from '../relationships.js';

/** `POST /contacts` and `POST /blocks`: the account, by its exact username. */
export class UsernameDto {
  @IsString({ message: 'username must be a string' })
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username!: string;
}

/** An accepted contact: presence is shared between contacts only. */
export interface ContactDto {
  username: string;
  displayName: string;
  online: boolean;
}

/** A request waiting for an answer, or someone blocked: who, and since when. */
export interface ListedAccountDto {
  username: string;
  displayName: string;
  /** ISO 8601: when the request was made (or the account blocked). */
  since: string;
}

export function toListedAccount({ username, displayName, since }: Listed): ListedAccountDto {
  return { username, displayName, since: since.toISOString() };
}

/** `GET /contacts`: contacts (online first), requests to answer, requests waiting for an answer. */
export interface ContactListDto {
  contacts: ContactDto[];
  incoming: ListedAccountDto[];
  outgoing: ListedAccountDto[];
}

/** `POST /contacts`: where things stand afterwards. */
export type ContactRequestResultDto =
  | { status: 'contact'; contact: ContactDto }
  | { status: 'requested'; contact: { username: string; displayName: string } };
