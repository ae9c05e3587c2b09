import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { normalizeUsername, USERNAME_RULE } from './username.js';

/** A route parameter that names an account: its stored (lower-case) form, or 400. */
@Injectable()
export class ParseUsernamePipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    const username = normalizeUsername(value);
    if (!username) {
      throw new BadRequestException(USERNAME_RULE);
    }
    return username;
  }
}
