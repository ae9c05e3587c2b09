import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { USERNAME_PATTERN, USERNAME_RULE } from '../username.js';

/** `POST /auth/register` and the register form. */
export class CreateUserDto {
  @IsString({ message: 'username must be a string' })
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username!: string;

  @IsString({ message: 'password must be a string' })
  @Length(8, 128, { message: 'password must be 8-128 characters' })
  password!: string;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'displayName must be a string' })
  @MaxLength(64, { message: 'displayName must be at most 64 characters' })
  displayName?: string;
}
