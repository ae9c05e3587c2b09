import { ConflictException } from '@nestjs/common';

/** Why a contact or block request cannot be done; clients translate by `code`. */
export type ContactConflict = 'you_blocked_them' | 'list_full';

/** 409 with a machine-readable `code` beside the English message. */
export function conflict(code: ContactConflict, message: string): ConflictException {
  return new ConflictException({ statusCode: 409, error: 'Conflict', message, code });
}
