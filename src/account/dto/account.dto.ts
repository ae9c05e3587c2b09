import { IsString, Length, MinLength } from 'class-validator';
import type { CallHistoryEntryDto } from '../../calls/dto/call-history.dto.js';
import type { ListedAccountDto } from '../../contacts/dto/contact.dto.js';
import type { PrivacySettingsDto } from '../../privacy/dto/privacy.dto.js';
import type { PushDeviceDto } from '../../push/dto/push-subscription.dto.js';
import { IsDisplayName } from '../../users/dto/display-name.js';
import type { UserProfileDto } from '../../users/dto/user-profile.dto.js';

/** `PATCH /users/me`. */
export class RenameDto {
  @IsDisplayName()
  @MinLength(1, { message: 'displayName must not be empty' })
  displayName!: string;
}

/** `POST /users/me/password`. */
export class ChangePasswordDto {
  @IsString({ message: 'currentPassword must be a string' })
  @Length(1, 128, { message: 'currentPassword is required (at most 128 characters)' })
  currentPassword!: string;

  @IsString({ message: 'newPassword must be a string' })
  @Length(8, 128, { message: 'newPassword must be 8-128 characters' })
  newPassword!: string;
}

/** `DELETE /users/me`: the password again, so that a borrowed session cannot delete the account. */
export class DeleteAccountDto {
  @IsString({ message: 'password must be a string' })
  @Length(1, 128, { message: 'password is required (at most 128 characters)' })
  password!: string;
}

/** `GET /users/me/data`: everything Dialtone keeps about you. */
export interface AccountDataDto {
  exportedAt: string;
  profile: UserProfileDto;
  privacy: PrivacySettingsDto;
  /** `since`: when you became contacts. */
  contacts: ListedAccountDto[];
  contactRequestsReceived: ListedAccountDto[];
  contactRequestsSent: ListedAccountDto[];
  blocked: ListedAccountDto[];
  calls: CallHistoryEntryDto[];
  /** The browsers rung by push when no Dialtone page is open. */
  pushDevices: PushDeviceDto[];
}
