import { Controller, Get, NotFoundException } from '@nestjs/common';
import { CurrentUser } from '../auth/current-user.decorator.js';
import type { AuthenticatedUser } from '../auth/token.service.js';
import { UserProfileDto, toProfile } from './dto/user-profile.dto.js';
import { UsersService } from './users.service.js';

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  async me(@CurrentUser() current: AuthenticatedUser): Promise<UserProfileDto> {
    const user = await this.users.findById(current.id);
    if (!user) {
      throw new NotFoundException('This account no longer exists');
    }
    return toProfile(user);
  }
}
