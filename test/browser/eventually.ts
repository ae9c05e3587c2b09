import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Retries `check` (sync or async) until it stops throwing, then returns its result; after
 * `timeoutMs` rethrows the last failure, so the assertion message says what was still wrong.
 */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) {
        throw error;
      }
    }
    await sleep(intervalMs);
  }
}
