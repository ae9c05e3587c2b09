import { IsBoolean, IsIn, IsISO8601, IsOptional, ValidateIf } from 'class-validator';
import { WHO_CAN_RING, type WhoCanRing } from '../privacy-settings.js';

/** `GET /privacy`: the settings in force now (a do-not-disturb that has run out reads as off). */
export interface PrivacySettingsDto {
  whoCanRing: WhoCanRing;
  doNotDisturb: boolean;
  /** ISO 8601, or null: do-not-disturb stays on until switched off (or is off). */
  doNotDisturbUntil: string | null;
}

/** `PATCH /privacy`: any of the fields; absent ones keep their value. */
export class UpdatePrivacyDto {
  @IsOptional()
  @IsIn(WHO_CAN_RING, { message: 'whoCanRing must be "everyone" or "contacts"' })
  whoCanRing?: WhoCanRing;

  @IsOptional()
  @IsBoolean({ message: 'doNotDisturb must be true or false' })
  doNotDisturb?: boolean;

  /** When do-not-disturb ends by itself; only with `doNotDisturb: true`. Null: never. */
  @ValidateIf((dto: UpdatePrivacyDto) => dto.doNotDisturbUntil !== null)
  @IsOptional()
  @IsISO8601(
    { strict: true, strictSeparator: true },
    { message: 'doNotDisturbUntil must be a date and time such as 2030-01-31T18:00:00Z, or null' },
  )
  doNotDisturbUntil?: string | null;
}
