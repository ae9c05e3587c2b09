import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { USERNAME_PATTERN, USERNAME_RULE } from '../username.js';
import { IsDisplayName } from './display-name.js';

/** `POST /auth/register` and the register form. */
export class CreateUserDto {
  @IsString({ message: 'username must be a string' })
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username!: string;

  @IsString({ message: 'password must be a string' })
  @Length(8, 128, { message: 'password must be 8-128 characters' })
  password!: string;

  @IsOptional()
  @IsDisplayName()
  displayName?: string;
}
