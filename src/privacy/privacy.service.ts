import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { validationFailed } from '../common/validation.pipe.js';
import { User } from '../users/user.entity.js';
import type { PrivacySettingsDto, UpdatePrivacyDto } from './dto/privacy.dto.js';
import { doNotDisturbActive, type PrivacySettings } from './privacy-settings.js';

/** The latest end time do-not-disturb accepts: any later is as good as "until I switch it off". */
const MAX_DND_YEAR = 9999;

@Injectable()
export class PrivacyService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  async get(userId: string): Promise<PrivacySettingsDto> {
    return view(await this.settings(userId), new Date());
  }

  async update(userId: string, dto: UpdatePrivacyDto): Promise<PrivacySettingsDto> {
    const now = new Date();
    const current = await this.settings(userId);
    const next: PrivacySettings = { ...current, whoCanRing: dto.whoCanRing ?? current.whoCanRing };
    if (dto.doNotDisturbUntil !== undefined && dto.doNotDisturb !== true) {
      throw validationFailed({
        doNotDisturbUntil: ['doNotDisturbUntil goes with doNotDisturb: true'],
      });
    }
    if (dto.doNotDisturb !== undefined) {
      next.doNotDisturb = dto.doNotDisturb;
      next.doNotDisturbUntil = dto.doNotDisturb
        ? endTime(dto.doNotDisturbUntil ?? null, now)
        : null;
    }
    await this.users.update({ id: userId }, next);
    return view(next, now);
  }

  private async settings(userId: string): Promise<PrivacySettings> {
    const settings = await this.users.findOne({
      where: { id: userId },
      select: { whoCanRing: true, doNotDisturb: true, doNotDisturbUntil: true },
    });
    if (!settings) {
      throw new NotFoundException('This account no longer exists');
    }
    return settings;
  }
}

function endTime(until: string | null, now: Date): Date | null {
  if (until === null) {
    return null;
  }
  const at = new Date(until);
  if (at.getTime() <= now.getTime() || at.getUTCFullYear() > MAX_DND_YEAR) {
    throw validationFailed({
      doNotDisturbUntil: ['doNotDisturbUntil must be in the future (before the year 10000)'],
    });
  }
  return at;
}

function view(settings: PrivacySettings, now: Date): PrivacySettingsDto {
  const active = doNotDisturbActive(settings, now);
  return {
    whoCanRing: settings.whoCanRing,
    doNotDisturb: active,
    doNotDisturbUntil:
      active && settings.doNotDisturbUntil
        ? new Date(settings.doNotDisturbUntil).toISOString()
        : null,
  };
}
