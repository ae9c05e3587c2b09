import type { ErrorReply, RedisClientType } from 'redis';

/** A command that Redis has not answered after this long fails (the caller answers server_error). */
export const COMMAND_TIMEOUT_MS = 1500;
/** How long start-up waits for Redis before the instance gives up (it never serves without it). */
const STARTUP_TIMEOUT_MS = 5000;
const CONNECT_TIMEOUT_MS = 1000;
/** Reconnect backoff: 50 ms, 100 ms, … capped at 1 s, forever. */
const MAX_RECONNECT_DELAY_MS = 1000;

/** Redis could not be reached at start-up: the message names REDIS_URL (never the password). */
export class RedisUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `REDIS_URL: Redis at ${redacted(url)} is unreachable (${describe(cause)}); ` +
        'an instance with REDIS_URL never serves without it.',
      { cause },
    );
  }
}

/** A command Redis did not answer (down, cut off, too slow): the caller answers server_error. */
export class RedisCommandError extends Error {
  constructor(command: string, cause: unknown) {
    super(`Redis ${command} failed: ${describe(cause)}`, { cause });
  }
}

export type Channel = (message: string) => void;

/** Told each command's name and round trip in seconds, answered or not (GET /metrics). */
export type CommandTimer = (command: string, seconds: number) => void;

/**
 * The two connections an instance keeps to Redis: one for commands (no offline queue: while Redis
 * is away a command fails at once instead of piling up; each has a timeout) and one for pub/sub.
 * Both reconnect by themselves; node-redis re-subscribes every channel after a reconnect, and
 * `onReconnect` lets the owner catch up on what was published meanwhile.
 */
export class RedisConnection {
  // Created by connect(): the client library is loaded only by an instance that uses Redis
  // (about 20 MB of a process's memory that the embedded mode never needs).
  private client!: RedisClientType;
  private subscriber!: RedisClientType;
  /** node-redis's class for an error Redis answered (loaded with the library). */
  private errorReply?: typeof ErrorReply;
  private readonly reconnectListeners: (() => void)[] = [];
  private readonly downListeners: (() => void)[] = [];
  private readonly resubscribedListeners: (() => void)[] = [];
  private everCreated = false;
  private everReady = false;
  private closing = false;

  constructor(
    readonly url: string,
    private readonly timer?: CommandTimer,
  ) {}

  /** Connects both, or throws RedisUnavailableError after STARTUP_TIMEOUT_MS. */
  async connect(timeoutMs = STARTUP_TIMEOUT_MS): Promise<void> {
    await this.createClients();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([
        Promise.all([this.client.connect(), this.subscriber.connect()]),
        deadline,
      ]);
      await Promise.race([this.client.ping(), deadline]);
    } catch (error) {
      this.destroy();
      throw new RedisUnavailableError(this.url, error);
    } finally {
      clearTimeout(timer);
    }
  }

  private async createClients(): Promise<void> {
    const { createClient, ErrorReply } = await import('redis');
    this.errorReply = ErrorReply;
    const options = {
      url: this.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: CONNECT_TIMEOUT_MS,
        reconnectStrategy: (retries: number) =>
          Math.min(50 * (retries + 1), MAX_RECONNECT_DELAY_MS),
      },
    };
    // command() times every command itself; node-redis's own default (an AbortSignal.timeout and
    // its listener per command) would only repeat that, at ~5 % of a relayed message's CPU.
    this.client = createClient({ ...options, commandOptions: { timeout: 0 } });
    this.subscriber = createClient(options);
    this.everCreated = true;
    // Errors surface as failed commands and through `ready`; the event itself is expected while
    // Redis is away, and an unhandled 'error' event would end the process.
    this.client.on('error', () => undefined);
    this.subscriber.on('error', () => undefined);
    this.client.on('ready', () => {
      if (this.everReady) {
        this.reconnectListeners.forEach((listener) => listener());
      }
      this.everReady = true;
    });
    let subscriberEverReady = false;
    this.subscriber.on('ready', () => {
      if (subscriberEverReady) {
        this.resubscribedListeners.forEach((listener) => listener());
      }
      subscriberEverReady = true;
    });
    this.client.on('end', () => this.notifyDown());
    this.client.on('reconnecting', () => this.notifyDown());
  }

  /** Whether commands can be sent right now (false while reconnecting). */
  get ready(): boolean {
    return this.client.isReady && this.subscriber.isReady;
  }

  /**
   * One command, failing after COMMAND_TIMEOUT_MS. node-redis's own `timeout` only covers commands
   * not yet written, so a Redis that has the command but answers slowly (DEBUG SLEEP, a long
   * script, a stalled host) is timed here; its late reply is still read in order, so the replies
   * of later commands stay lined up.
   */
  command<T>(args: readonly string[]): Promise<T> {
    const started = performance.now();
    const reply = this.client.sendCommand<T>(args);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis did not answer ${args[0]} within ${COMMAND_TIMEOUT_MS} ms`)),
        COMMAND_TIMEOUT_MS,
      );
    });
    reply.catch(() => undefined); // a late failure was already reported as the timeout
    return Promise.race([reply, late])
      .catch((error: unknown) => {
        const answered = this.errorReply !== undefined && error instanceof this.errorReply;
        throw answered && !error.message.startsWith('NOSCRIPT')
          ? error // a bug in a script or a command, not Redis being away
          : new RedisCommandError(args[0], error);
      })
      .finally(() => {
        clearTimeout(timer);
        this.timer?.(args[0], (performance.now() - started) / 1000);
      });
  }

  /** Answers PONG within the command timeout, or throws. */
  async ping(): Promise<void> {
    await this.command(['PING']);
  }

  subscribe(channel: string, listener: Channel): Promise<void> {
    return this.subscriber.subscribe(channel, listener);
  }

  /** Removes `listener` from `channel` (the channel itself once it has no listener left). */
  unsubscribe(channel: string, listener?: Channel): Promise<void> {
    return this.subscriber.unsubscribe(channel, listener);
  }

  /** Called after the command connection came back (not for the first connect). */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /**
   * Called after the pub/sub connection came back (not for the first connect): whatever was
   * published while it was away was lost, whether or not the command connection noticed.
   */
  onResubscribed(listener: () => void): void {
    this.resubscribedListeners.push(listener);
  }

  /** Called when the command connection is lost. */
  onDown(listener: () => void): void {
    this.downListeners.push(listener);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled(this.connections().map((connection) => connection.close()));
  }

  destroy(): void {
    this.closing = true;
    for (const connection of this.connections()) {
      if (connection.isOpen) {
        connection.destroy();
      }
    }
  }

  /** Both connections, none before connect() created them. */
  private connections(): RedisClientType[] {
    return this.everCreated ? [this.client, this.subscriber] : [];
  }

  private notifyDown(): void {
    if (!this.closing) {
      this.downListeners.forEach((listener) => listener());
    }
  }
}

function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      parsed.password = '***';
    }
    return parsed.toString();
  } catch {
    return 'the configured address';
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return describe(error.errors[0]);
  }
  return error instanceof Error ? error.message : String(error);
}
