import { Type } from 'class-transformer';
import {
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { MAX_PUSH_ENDPOINT_CHARS } from '../../signaling/protocol.js';

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** `keys` of `PushSubscription.toJSON()`. */
export class PushKeysDto {
  @IsString({ message: 'keys.p256dh must be a string' })
  @Length(80, 128, { message: 'keys.p256dh must be a P-256 public key (base64url)' })
  @Matches(BASE64URL, { message: 'keys.p256dh must be base64url' })
  p256dh!: string;

  @IsString({ message: 'keys.auth must be a string' })
  @Length(16, 64, { message: 'keys.auth must be a 16-byte secret (base64url)' })
  @Matches(BASE64URL, { message: 'keys.auth must be base64url' })
  auth!: string;
}

/** `POST /push/subscriptions`: the browser's `PushSubscription.toJSON()`, as is. */
export class PushSubscriptionDto {
  @IsString({ message: 'endpoint must be a string' })
  @MaxLength(MAX_PUSH_ENDPOINT_CHARS, {
    message: `endpoint must be at most ${MAX_PUSH_ENDPOINT_CHARS} characters`,
  })
  endpoint!: string;

  /** Milliseconds since 1970, or null (most push services never expire a subscription). */
  @IsOptional()
  @IsInt({ message: 'expirationTime must be a whole number of milliseconds or null' })
  expirationTime?: number | null;

  @IsObject({ message: 'keys must be an object with p256dh and auth' })
  @ValidateNested()
  @Type(() => PushKeysDto)
  keys!: PushKeysDto;
}

/** `DELETE /push/subscriptions`. */
export class PushEndpointDto {
  @IsString({ message: 'endpoint must be a string' })
  @MaxLength(MAX_PUSH_ENDPOINT_CHARS, {
    message: `endpoint must be at most ${MAX_PUSH_ENDPOINT_CHARS} characters`,
  })
  endpoint!: string;
}

/** One of this account's devices, as the account page and `GET /users/me/data` list it. */
export interface PushDeviceDto {
  id: string;
  /** The User-Agent that subscribed. */
  userAgent: string;
  /** The push service's origin (e.g. https://fcm.googleapis.com); the full endpoint is a secret. */
  pushService: string;
  createdAt: string;
  lastUsedAt: string;
}

/** `GET /push/vapid-public-key`. */
export interface VapidPublicKeyDto {
  publicKey: string;
}
