import { HttpException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { CreateUserDto } from '../users/dto/create-user.dto.js';
import { toProfile, UserProfileDto } from '../users/dto/user-profile.dto.js';
import { UsersService } from '../users/users.service.js';
import { LoginDto, LoginResponseDto } from './dto/login.dto.js';
import { LoginAttempts } from './login-attempts.js';
import { TokenService } from './token.service.js';

export const BAD_CREDENTIALS = 'Unknown username or wrong password';

/** Registration and login, shared by the JSON API and the server-rendered forms. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly attempts: LoginAttempts,
    private readonly config: AppConfig,
  ) {}

  async register(dto: CreateUserDto): Promise<UserProfileDto> {
    return toProfile(await this.users.create(dto));
  }

  async login(dto: LoginDto, ip: string): Promise<LoginResponseDto> {
    const retryAfter = this.attempts.retryAfterSeconds(dto.username, ip);
    if (retryAfter > 0) {
      throw new TooManyLoginAttempts(retryAfter);
    }
    const user = await this.users.verifyCredentials(dto.username, dto.password);
    if (!user) {
      this.attempts.recordFailure(dto.username, ip);
      throw new UnauthorizedException(BAD_CREDENTIALS);
    }
    this.attempts.recordSuccess(dto.username, ip);
    return {
      accessToken: this.tokens.sign(user),
      tokenType: 'Bearer',
      expiresIn: this.config.jwt.ttlSeconds,
      user: toProfile(user),
    };
  }
}

/** 429 carrying how long to wait; the exception filter turns it into a Retry-After header. */
export class TooManyLoginAttempts extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super(
      `Too many failed logins; try again in ${retryAfterSeconds} seconds`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
