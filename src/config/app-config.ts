/** Which database backs the accounts and call history. */
export type DatabaseConfig = { type: 'sqlite'; path: string } | { type: 'postgres'; url: string };

/** Express's `trust proxy` setting: off, on, a hop count, or a list of addresses/subnets. */
export type TrustProxy = boolean | number | string[];

/**
 * The validated configuration, read once from the environment at start-up (see load-config.ts).
 * Injected by class token so that nothing else ever reads `process.env`.
 */
export abstract class AppConfig {
  abstract readonly production: boolean;
  abstract readonly port: number;
  abstract readonly host: string;
  abstract readonly dataDir: string;
  abstract readonly database: DatabaseConfig;
  abstract readonly jwt: {
    readonly secret: Buffer;
    readonly ttlSeconds: number;
    readonly issuer: string;
    readonly audience: string;
  };
  abstract readonly trustProxy: TrustProxy;
  /** Origin the server is reached at (scheme://host[:port]), when known. */
  abstract readonly publicOrigin: string | undefined;
  /** Further origins whose pages may open a cookie-authenticated WebSocket. */
  abstract readonly allowedOrigins: readonly string[];
  abstract readonly ice: {
    readonly stunUrls: readonly string[];
    readonly turnUrls: readonly string[];
    readonly turnSecret: string | undefined;
    readonly turnTtlSeconds: number;
  };
  abstract readonly signaling: {
    readonly maxSessionsPerUser: number;
    readonly ringTimeoutMs: number;
    readonly pingIntervalMs: number;
  };
}
