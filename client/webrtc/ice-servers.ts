import type { IceServersDto } from '../../src/turn/dto/ice-servers.dto.js';
import { getJson } from '../http.js';

/** The share of the credentials' lifetime after which a new call fetches fresh ones. */
const REFRESH_AFTER_SHARE_OF_TTL = 0.5;

/** `GET /ice-servers`, cached while its TURN credentials are comfortably valid. */
export class IceServers {
  private cached: { value: IceServersDto; fetchedAt: number } | undefined;

  async get(): Promise<IceServersDto> {
    const cached = this.cached;
    if (
      cached &&
      Date.now() - cached.fetchedAt < cached.value.ttl * 1000 * REFRESH_AFTER_SHARE_OF_TTL
    ) {
      return cached.value;
    }
    const value = await getJson<IceServersDto>('/ice-servers');
    this.cached = { value, fetchedAt: Date.now() };
    return value;
  }

  /** The configuration for a new call; `relayOnly` takes effect only when a TURN server exists. */
  async rtcConfiguration(relayOnly: boolean): Promise<RTCConfiguration> {
    const { iceServers } = await this.get();
    return {
      iceServers,
      iceTransportPolicy: relayOnly && hasTurnServer(iceServers) ? 'relay' : 'all',
    };
  }
}

export function hasTurnServer(iceServers: IceServersDto['iceServers']): boolean {
  return iceServers.some((server) => server.urls.some((url) => /^turns?:/.test(url)));
}
