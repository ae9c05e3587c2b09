import type { AppConfig } from '../config/app-config.js';
import type { IceServerDto, IceServersDto } from './dto/ice-servers.dto.js';
import { turnCredential } from './turn-credentials.js';

/**
 * The ICE servers for one user: STUN as configured, TURN with fresh credentials. With nothing
 * configured the list is empty, which is all a call on localhost or a LAN needs.
 */
export function iceServersFor(ice: AppConfig['ice'], userId: string, nowMs: number): IceServersDto {
  const iceServers: IceServerDto[] = [];
  if (ice.stunUrls.length > 0) {
    iceServers.push({ urls: [...ice.stunUrls] });
  }
  if (ice.turnUrls.length > 0 && ice.turnSecret) {
    const login = turnCredential(ice.turnSecret, userId, ice.turnTtlSeconds, nowMs);
    iceServers.push({ urls: [...ice.turnUrls], ...login });
  }
  return { iceServers, ttl: ice.turnTtlSeconds };
}
