import { HttpStatus, Injectable } from '@nestjs/common';
import type * as Argon2 from '@node-rs/argon2';
import { RetryLaterException } from '../common/retry-later.exception.js';
import { AppConfig } from '../config/app-config.js';
import { BoundedWorkQueue, QueueFullError } from './bounded-work-queue.js';

/** OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane. */
const ARGON2_COST = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * The argon2 binding, loaded at the first login or registration: its native library is about
 * 10 MB of a process's memory, which an instance that only relays signaling never needs.
 */
let argon2: Promise<typeof Argon2> | undefined;
const loadArgon2 = (): Promise<typeof Argon2> => (argon2 ??= import('@node-rs/argon2'));

async function hash(password: string): Promise<string> {
  const { Algorithm, hash: argon2id } = await loadArgon2();
  return argon2id(password, { algorithm: Algorithm.Argon2id, ...ARGON2_COST });
}

/** False for a malformed hash too; a binding that fails to load still throws. */
async function verify(passwordHash: string, password: string): Promise<boolean> {
  const argon2id = await loadArgon2();
  return argon2id.verify(passwordHash, password).catch(() => false);
}

/**
 * argon2id hashing and verification through one bounded queue (PASSWORD_HASH_CONCURRENCY,
 * PASSWORD_HASH_QUEUE): a flood of bogus logins or registrations waits its turn or gets a 503,
 * instead of every login in flight, the genuine ones included, slowing down together.
 */
@Injectable()
export class PasswordHasher {
  private readonly queue: BoundedWorkQueue;
  /** Verified against when an account does not exist, so both failures cost the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(config: AppConfig) {
    this.queue = new BoundedWorkQueue(
      config.accounts.hashConcurrency,
      config.accounts.hashQueueLength,
    );
  }

  hash(password: string): Promise<string> {
    return this.queued(() => hash(password));
  }

  async verify(passwordHash: string | undefined, password: string): Promise<boolean> {
    this.dummyHash ??= hash('dialtone-dummy-password');
    const target = passwordHash ?? (await this.dummyHash);
    const matches = await this.queued(() => verify(target, password));
    return matches && passwordHash !== undefined;
  }

  private async queued<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await this.queue.run(task);
    } catch (error) {
      if (error instanceof QueueFullError) {
        throw new ServerBusyException(error.retryAfterSeconds);
      }
      throw error;
    }
  }
}

/** 503: the password queue is full. Nothing was checked, so a login lock-out does not count it. */
export class ServerBusyException extends RetryLaterException {
  constructor(retryAfterSeconds: number) {
    super(
      `The server is busy; try again in ${retryAfterSeconds} seconds`,
      HttpStatus.SERVICE_UNAVAILABLE,
      retryAfterSeconds,
    );
  }
}
