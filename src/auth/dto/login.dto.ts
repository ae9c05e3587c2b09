import { IsString, MaxLength, MinLength } from 'class-validator';
import type { UserProfileDto } from '../../users/dto/user-profile.dto.js';

export class LoginDto {
  @IsString({ message: 'username must be a string' })
  @MinLength(1, { message: 'username is required' })
  @MaxLength(64, { message: 'username must be at most 64 characters' })
  username!: string;

  @IsString({ message: 'password must be a string' })
  @MinLength(1, { message: 'password is required' })
  @MaxLength(128, { message: 'password must be at most 128 characters' })
  password!: string;
}

export interface LoginResponseDto {
  accessToken: string;
  tokenType: 'Bearer';
  /** Seconds until the token expires. */
  expiresIn: number;
  user: UserProfileDto;
}
