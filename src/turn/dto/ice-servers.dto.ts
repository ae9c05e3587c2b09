/** One entry of RTCConfiguration.iceServers, as the browser takes it. */
export interface IceServerDto {
  urls: string[];
  username?: string;
  credential?: string;
}

/** `GET /ice-servers`: what the call page passes to RTCPeerConnection, and for how long it holds. */
export interface IceServersDto {
  iceServers: IceServerDto[];
  /** Seconds the TURN credentials stay valid; fetch again before then. */
  ttl: number;
}
