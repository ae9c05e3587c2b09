import { describe, expect, it } from '@jest/globals';
import { BoundedWorkQueue, QueueFullError } from './bounded-work-queue.js';

/** A task that finishes when the test says so. */
function gate<T>(value: T) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { task: () => opened.then(() => value), open };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('BoundedWorkQueue', () => {
  it('runs at most `concurrency` tasks at once, the rest in arrival order', async () => {
    const queue = new BoundedWorkQueue(2, 10);
    const started: number[] = [];
    const gates = [0, 1, 2, 3].map((n) => gate(n));
    const results = gates.map((g, n) =>
      queue.run(() => {
        started.push(n);
        return g.task();
      }),
    );
    await settle();
    expect(started).toStrictEqual([0, 1]);
    expect(queue.pending).toBe(4);
    gates[1].open();
    await settle();
    expect(started).toStrictEqual([0, 1, 2]);
    gates[0].open();
    gates[2].open();
    gates[3].open();
    expect(await Promise.all(results)).toStrictEqual([0, 1, 2, 3]);
    expect(queue.pending).toBe(0);
  });

  it('refuses work beyond the queue at once, with a Retry-After estimate', async () => {
    let now = 0;
    const queue = new BoundedWorkQueue(1, 2, () => now);
    const first = gate('first');
    const running = queue.run(first.task);
    // Teach it that a task takes 3 s.
    now = 3000;
    first.open();
    await running;
    const gates = [gate(1), gate(2), gate(3)];
    const accepted = gates.map((g) => queue.run(g.task));
    await settle();
    const refused = queue.run(() => Promise.resolve(4));
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    await refused.catch((error: QueueFullError) => expect(error.retryAfterSeconds).toBe(9));
    for (const g of gates) {
      g.open();
    }
    expect(await Promise.all(accepted)).toStrictEqual([1, 2, 3]);
  });

  it('frees the slot when a task fails', async () => {
    const queue = new BoundedWorkQueue(1, 0);
    await expect(queue.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await queue.run(() => Promise.resolve('next'))).toBe('next');
  });
});
