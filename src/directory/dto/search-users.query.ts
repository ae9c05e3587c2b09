import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { USERNAME_PATTERN } from '../../users/username.js';

export class SearchUsersQuery {
  /**
   * The start of a username, at least 3 characters: the directory finds people whose username you
   * know the beginning of; it never lists everyone, and display names are not searched.
   */
  @IsString({ message: 'search is required: at least 3 characters of a username' })
  @Matches(USERNAME_PATTERN, {
    message:
      'search must be 3-32 characters of a username (a-z, 0-9, "_", "." or "-", starting with a letter or digit)',
  })
  search!: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  limit = 10;
}
