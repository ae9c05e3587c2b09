import { BadRequestException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import { RetryLaterException } from '../common/retry-later.exception.js';
import { AppConfig } from '../config/app-config.js';
import { SignalingMetrics } from '../metrics/signaling-metrics.js';
import type { Locale } from '../i18n/locale.js';
import { TRANSLATIONS } from '../i18n/locale.js';
import { waitTime } from '../i18n/wait-time.js';
import { CreateUserDto } from '../users/dto/create-user.dto.js';
import { toProfile, UserProfileDto } from '../users/dto/user-profile.dto.js';
import { passwordProblem, type PasswordProblem } from '../users/password-policy.js';
import { UsersService } from '../users/users.service.js';
import { AccountRateLimits } from './account-rate-limits.js';
import { clientAddressKey } from './client-address.js';
import { LoginDto, LoginResponseDto } from './dto/login.dto.js';
import { LoginThrottle } from './login-throttle.js';
import type { AuthenticatedUser } from './token.service.js';
import { TokenService } from './token.service.js';
import { TokenRevocations } from './token-revocations.js';
import type { User } from '../users/user.entity.js';

export const BAD_CREDENTIALS = 'Unknown username or wrong password';

/** Registration, login and logout, shared by the JSON API and the server-rendered forms. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly attempts: LoginThrottle,
    private readonly revocations: TokenRevocations,
    private readonly config: AppConfig,
    private readonly metrics: SignalingMetrics,
    private readonly limits: AccountRateLimits,
  ) {}

  /** `locale` is the language of the reason a weak password is refused. */
  async register(dto: CreateUserDto, locale: Locale): Promise<UserProfileDto> {
    const problem = await passwordProblem(dto.password, dto);
    if (problem) {
      throw new WeakPasswordException(problem, locale);
    }
    return toProfile(await this.users.create(dto, () => this.limits.spendHash()));
  }

  async login(dto: LoginDto, ip: string): Promise<LoginResponseDto> {
    // Nobody has proved anything yet: the hash spends the global budget (AUTH_RATE_GLOBAL).
    const user = await this.checkPassword(dto.username, dto.password, ip, () =>
      this.limits.spendHash(),
    );
    if (!user) {
      throw new UnauthorizedException(BAD_CREDENTIALS);
    }
    return this.session(user);
  }

  /**
   * The account if `password` is its password, under the login lock-out (changing the password
   * and deleting the account ask for it too, and share the count). An attempt counts before the
   * password is checked, so that concurrent guesses cannot pass the limit. The lock-out counts
   * per account and client address key (an IPv6 client by its /64, as every per-address limit);
   * `beforeHash` runs just before argon2, for an existing account only.
   */
  async checkPassword(
    username: string,
    password: string,
    ip: string,
    beforeHash?: () => Promise<void>,
  ): Promise<User | undefined> {
    const client = clientAddressKey(ip);
    const retryAfter = await this.attempts.begin(username, client);
    if (retryAfter > 0) {
      this.metrics.rateLimited('login_lockout');
      throw new TooManyLoginAttempts(retryAfter);
    }
    let user;
    try {
      user = await this.users.verifyCredentials(username, password, beforeHash);
    } catch (error) {
      await this.attempts.abandon(username, client); // never evaluated (busy, or over budget)
      throw error;
    }
    if (user) {
      await this.attempts.succeeded(username, client);
    }
    return user;
  }

  /** A new access token for the account, as a login answers. */
  session(user: User): LoginResponseDto {
    return {
      accessToken: this.tokens.sign(user),
      tokenType: 'Bearer',
      expiresIn: this.config.jwt.ttlSeconds,
      user: toProfile(user),
    };
  }

  /** Revokes the token the request was authenticated with; nothing to do without one. */
  async logout(user: AuthenticatedUser | undefined): Promise<void> {
    if (user) {
      await this.revocations.revoke(user);
    }
  }

  /** Revokes every token of the account, on every device. */
  logoutEverywhere(user: AuthenticatedUser): Promise<void> {
    return this.revocations.revokeAll(user);
  }
}

/** 429 carrying how long to wait; the exception filter turns it into a Retry-After header. */
export class TooManyLoginAttempts extends RetryLaterException {
  constructor(retryAfterSeconds: number) {
    super(
      `Too many failed logins; try again in ${waitTime(retryAfterSeconds, 'en')}`,
      HttpStatus.TOO_MANY_REQUESTS,
      retryAfterSeconds,
    );
  }
}

/** 400 in the shape of a validation failure, with the reason in the request's language. */
export class WeakPasswordException extends BadRequestException {
  readonly reason: string;

  constructor(
    readonly problem: PasswordProblem,
    locale: Locale,
  ) {
    const reason = TRANSLATIONS[locale].account[problem];
    super({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Validation failed',
      errors: { password: [reason] },
      code: problem,
    });
    this.reason = reason;
  }
}
