/**
 * The login lock-out (LOGIN_MAX_FAILURES per account and address within LOGIN_LOCKOUT):
 * `LoginAttempts` in this process's memory, or shared by every instance with REDIS_URL. An
 * attempt counts as failed from `begin` until `succeeded`; `abandon` gives back one that was
 * never evaluated. `client` is the client address's key (clientAddressKey: an IPv6 client by its
 * /64), as for every per-address limit.
 */
export abstract class LoginThrottle {
  /** Seconds until another attempt is allowed, or 0 when this one may go ahead (now counted). */
  abstract begin(username: string, client: string): number | Promise<number>;
  abstract succeeded(username: string, client: string): void | Promise<void>;
  abstract abandon(username: string, client: string): void | Promise<void>;
}
