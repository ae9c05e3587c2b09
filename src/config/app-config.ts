import type { LogSettings } from '../logging/log-settings.js';
import type { EndpointPattern } from '../push/endpoint-allowlist.js';
import type { DatabaseConfig } from './database-config.js';
import type { RedisConfig } from './redis-config.js';
import type { VapidKeys } from './vapid-keys.js';

/** Express's `trust proxy` setting: off, on, a hop count, or a list of addresses/subnets. */
export type TrustProxy = boolean | number | string[];

/**
 * The validated configuration, read once from the environment at start-up (see load-config.ts).
 * Injected by class token so that nothing else ever reads `process.env`.
 */
export abstract class AppConfig {
  abstract readonly production: boolean;
  abstract readonly port: number;
  /** LOG_FORMAT and LOG_LEVEL (see docs/operations.md, "Logs"). */
  abstract readonly logging: LogSettings;
  abstract readonly host: string;
  abstract readonly dataDir: string;
  abstract readonly database: DatabaseConfig;
  /** Set: several instances share signaling state through Redis. Unset: one process, in memory. */
  abstract readonly redis: RedisConfig | undefined;
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
  /** Limits on the account routes (/auth/*, /login, /register), which anyone may call. */
  abstract readonly accounts: {
    /** Failed logins per account and address before that pair is locked out. */
    readonly loginMaxFailures: number;
    /** How long failed logins are remembered, and so how long a lock-out lasts. */
    readonly loginLockoutSeconds: number;
    /** Requests a minute one client address may make (the burst is the same number). */
    readonly ratePerAddress: number;
    /** Requests a minute all addresses together may make. */
    readonly rateGlobal: number;
    /** Password hashes (argon2id) computed at once; the rest wait in the queue. */
    readonly hashConcurrency: number;
    /** Password hashes that may wait; beyond that the server answers 503 with Retry-After. */
    readonly hashQueueLength: number;
  };
  /** Call history (GET /calls). */
  abstract readonly history: {
    /** Entries kept per user; the oldest are pruned. */
    readonly maxPerUser: number;
    /** Unanswered calls from one caller to one callee this close together share an entry. */
    readonly mergeWindowMs: number;
  };
  /** Contacts, the directory and account deletion (see docs/security.md, "Privacy"). */
  abstract readonly privacy: {
    /** Directory searches (GET /users) a minute per account; the burst is the same number. */
    readonly searchesPerMinute: number;
    /** Contact requests a minute per account (the burst is the same number). */
    readonly contactRequestsPerMinute: number;
    /** Contacts and outgoing requests per account, together; blocked accounts count apart. */
    readonly maxContacts: number;
    /** How long the username of a deleted account stays reserved before anyone may take it. */
    readonly usernameCoolingOffSeconds: number;
  };
  /**
   * GET /metrics (Prometheus text). Without METRICS_TOKEN it answers 404: there is no default
   * token, in any environment; with it, only requests bearing `Authorization: Bearer <token>`.
   */
  abstract readonly metrics: {
    readonly token: string | undefined;
  };
  /**
   * The local CA behind the HTTPS certificate (LOCAL_CA_CERT), offered at /trust; unset on a
   * server with a publicly trusted certificate.
   */
  abstract readonly localCa:
    | {
        readonly pem: string;
        readonly der: Buffer;
        /** Colon-separated upper-case hex, as browsers and `openssl x509 -fingerprint` show it. */
        readonly sha256: string;
      }
    | undefined;
  /** Web Push for incoming calls (see docs/security.md, "Web Push"). */
  abstract readonly push: {
    readonly vapid: VapidKeys;
    /** PUSH_ALLOWED_ENDPOINTS: the push services subscriptions may point at. */
    readonly allowedEndpoints: readonly EndpointPattern[];
    /** Devices per account; a new one beyond this replaces the least recently added. */
    readonly maxSubscriptions: number;
    /** How long one request to a push service may take before it counts as failed. */
    readonly sendTimeoutMs: number;
  };
  abstract readonly signaling: {
    readonly maxSessionsPerUser: number;
    /**
     * With REDIS_URL: how stale an instance's copy of the revocations may be before a token
     * check re-reads them first (pub/sub events can be lost; REVOCATION_MAX_STALE_MS).
     */
    readonly revocationMaxStaleMs: number;
    readonly ringTimeoutMs: number;
    readonly pingIntervalMs: number;
    /** Bytes queued on one socket that its client has not read; past it the socket is closed. */
    readonly maxBufferedBytes: number;
    /** Frames a second one session may send, sustained, and the burst allowed above that. */
    readonly messageRate: number;
    readonly messageBurst: number;
    /** What sockets cost before they are sessions (see UpgradeAdmission). */
    readonly sockets: {
      /** WebSockets this process holds at most, pending or not; beyond, upgrades get 503. */
      readonly maxSockets: number;
      /** Protocol 2 sockets of one account that have not sent their first frame yet. */
      readonly maxPendingPerUser: number;
      /** WebSocket upgrades a minute per client address (the burst is the same number). */
      readonly upgradesPerAddress: number;
      /** How long a protocol 2 socket may take to send its first frame before it is cut. */
      readonly firstFrameMs: number;
    };
    /** Ring-bombing limits on `call_start`, per caller (see CallStartLimiter). */
    readonly callStarts: {
      /** Calls a caller may start to one callee per window (a bucket refilling over the window). */
      readonly perCallee: number;
      /** Calls a caller may start to anyone per window. */
      readonly perCaller: number;
      readonly windowMs: number;
      /** After the callee declines, how long the caller may not ring them again (a cancel: none). */
      readonly cooldownMs: number;
    };
    /** Protocol v2 session resume (see docs/protocol.md, "Version 2"). */
    readonly resume: {
      /** How long a v2 session whose socket dropped waits for a resume. */
      readonly windowMs: number;
      /** Messages a session keeps for replay, and their total size in bytes. */
      readonly bufferMessages: number;
      readonly bufferBytes: number;
      /** A v2 socket silent this long (no frame, not even a ping) is dropped. */
      readonly silenceMs: number;
      /** Failed resumes per account and address within the window before that pair is refused. */
      readonly maxFailures: number;
      readonly failureWindowMs: number;
    };
  };
}
