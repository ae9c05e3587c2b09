import { setTimeout as delay } from 'node:timers/promises';
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
/** How much each new verification moves the typical duration (an exponential average). */
const SMOOTHING = 0.2;

/**
 * argon2id hashing and verification through one bounded queue (PASSWORD_HASH_CONCURRENCY,
 * PASSWORD_HASH_QUEUE): a flood of bogus logins or registrations waits its turn or gets a 503,
 * instead of every login in flight, the genuine ones included, slowing down together.
 */
@Injectable()
export class PasswordHasher {
  private readonly queue: BoundedWorkQueue;
  /** How long a verification takes here, measured: what a login for no account waits. */
  private typicalVerifyMs: number | undefined;
  private calibration: Promise<void> | undefined;

  constructor(config: AppConfig) {
    this.queue = new BoundedWorkQueue(
      config.accounts.hashConcurrency,
      config.accounts.hashQueueLength,
    );
  }

  hash(password: string): Promise<string> {
    return this.queued(() => hash(password));
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.queued(async () => {
      const started = performance.now();
      const matches = await verify(passwordHash, password);
      this.measured(performance.now() - started);
      return matches;
    });
  }

  /**
   * Waits about as long as a verification takes, without computing one (a name with no account
   * has no hash to check): such logins cost no CPU and hold no place in the queue, so a flood of
   * them cannot slow anyone's real login, yet their answers take the time a wrong password does.
   * The first one in a process measures a verification once.
   */
  async imitateVerify(): Promise<void> {
    if (this.typicalVerifyMs === undefined) {
      this.calibration ??= this.hash('dialtone-calibration')
        .then((calibration) => this.verify(calibration, 'dialtone'))
        .then(() => undefined);
      await this.calibration;
    }
    const jitter = 0.9 + Math.random() * 0.2;
    await delay((this.typicalVerifyMs ?? 0) * jitter);
  }

  private measured(ms: number): void {
    this.typicalVerifyMs =
      this.typicalVerifyMs === undefined
        ? ms
        : this.typicalVerifyMs + (ms - this.typicalVerifyMs) * SMOOTHING;
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
