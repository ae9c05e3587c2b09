/** Keys that hold one thing per id: the TypeScript method and the Lua function `k_<snake>`. */
const PER_ID = {
  /**
   * Hash: user, instance, v2, seq, bytes, resume token hash, call, version, push device (pd), and
   * the account id, access token id and generation it runs under (what a revocation matches).
   */
  session: 's:',
  /** Sorted set: a user's sessions by opening order. */
  userSessions: 'us:',
  /**
   * Hash: one call (state, caller, callee, sessions, version, devices rung by push (pd), `wo`: the
   * session a waiting call rings).
   */
  call: 'c:',
  /** String: the call a user takes part in. */
  userCall: 'uc:',
  /** String: the call waiting on a user who is in another call (call waiting). */
  userWaiting: 'uw:',
  /** Stream: a v2 session's replay log, id = seq. */
  stream: 'x:',
  /** Pub/sub channel: a session's frames and controls. */
  channel: 'ch:',
  /** Set: the sessions an instance holds. */
  nodeSessions: 'ns:',
  /** String with a TTL: an ended v2 session (a late resume hears "expired"). */
  ended: 'ended:',
} as const;

/** Keys of which there is one per deployment: the TypeScript getter and the Lua `K_<UPPER>`. */
const SINGLE = {
  /** Sorted set: online users (score = session count), read by presence and the directory. */
  online: 'online',
  /** Sorted set: ring and resume-window deadlines (TimerWheel). */
  timers: 'timers',
  /** Sorted set: instances by their last heartbeat. */
  nodes: 'nodes',
  /** Counter: the order in which sessions opened (the session cap evicts the oldest). */
  opened: 'opened',
  /** Pub/sub channel every instance hears (ClusterBus). */
  bus: 'bus',
  /**
   * Counter: revocations announced so far. An instance whose copy has applied fewer re-reads the
   * database (a pub/sub announcement can be lost); ClusterTokenRevocations.
   */
  revoked: 'revoked',
} as const;

type PerId = { readonly [K in keyof typeof PER_ID]: (id: string) => string };
type Single = { readonly [K in keyof typeof SINGLE]: string };

/**
 * Every Redis key and channel name, from the deployment's prefix (REDIS_KEY_PREFIX): the one
 * place they are spelled. The Lua scripts get the same names as functions (`luaKeyFunctions`,
 * prepended to every script), so TypeScript and Lua cannot disagree on a layout.
 */
export class RedisKeys {
  readonly id: PerId;
  readonly one: Single;

  constructor(readonly prefix: string) {
    this.id = Object.fromEntries(
      Object.entries(PER_ID).map(([name, part]) => [name, (id: string) => `${prefix}${part}${id}`]),
    ) as unknown as PerId;
    this.one = Object.fromEntries(
      Object.entries(SINGLE).map(([name, key]) => [name, `${prefix}${key}`]),
    ) as unknown as Single;
  }

  /** A token bucket of an HTTP request budget (ClusterRateBuckets). */
  rateBucket(budget: string, key: string): string {
    return `${this.prefix}rl:${budget}:${key}`;
  }

  /**
   * A caller's call_start budget (ClusterCallStartLimiter): to anyone, or with `callee` to that
   * one account. Usernames hold no newline, so no two pairs share a key.
   */
  callStartBucket(caller: string, callee?: string): string {
    return `${this.prefix}cs:${callee === undefined ? caller : `${caller}\n${callee}`}`;
  }

  /** The short cooldown after `callee` declined a call from `caller` (ClusterCallStartLimiter). */
  callCooldown(caller: string, callee: string): string {
    return `${this.prefix}cd:${caller}\n${callee}`;
  }

  /** An account + address's failed logins (ClusterLoginThrottle). */
  loginFailures(username: string, address: string): string {
    return `${this.prefix}login:${pair(username, address)}`;
  }

  /** An account + address's failed resumes (the resume throttle, scripts `resumeAttempt`). */
  resumeFailures(username: string, address: string): string {
    return `${this.prefix}rt:${pair(username, address)}`;
  }
}

function pair(username: string, address: string): string {
  return `${username.toLowerCase()}\n${address}`;
}

/**
 * The same layout for the scripts: `local P = ARGV[1]` (the prefix), then `k_session(sid)` …
 * and `K_ONLINE` …, exactly as RedisKeys builds them.
 */
export function luaKeyFunctions(): string {
  const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const perId = Object.entries(PER_ID).map(
    ([name, part]) => `local function k_${snake(name)}(id) return P .. '${part}' .. id end`,
  );
  const single = Object.entries(SINGLE).map(
    ([name, key]) => `local K_${snake(name).toUpperCase()} = P .. '${key}'`,
  );
  return ['local P = ARGV[1]', ...perId, ...single].join('\n');
}
