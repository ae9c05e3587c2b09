// run.mjs's handle on a load generator process (loadgen.mjs), pinned to LOADGEN_CORE.
import { cpuSeconds, startNode, stop } from '../lib/processes.mjs';

export const LOADGEN_CORE = 1;

export class LoadGenerator {
  static async start(name = 'loadgen') {
    const child = await startNode(['bench/peers/loadgen.mjs'], {
      core: LOADGEN_CORE,
      ipc: true,
      name,
    });
    const generator = new LoadGenerator(child);
    await new Promise((resolve, reject) => {
      child.once('message', (message) =>
        message.ready ? resolve() : reject(new Error('loadgen')),
      );
      child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
    });
    return generator;
  }

  constructor(child) {
    this.child = child;
    this.pending = new Map();
    this.nextId = 0;
    child.on('message', ({ id, result, error }) => {
      const waiter = this.pending.get(id);
      this.pending.delete(id);
      if (error) {
        waiter?.reject(new Error(`load generator: ${error}`));
      } else {
        waiter?.resolve(result);
      }
    });
    child.once('exit', (code) => {
      for (const waiter of this.pending.values()) {
        waiter.reject(new Error(`the load generator exited with ${code}`));
      }
      this.pending.clear();
    });
  }

  /** Runs one operation of loadgen.mjs; `cpu` adds the generator's own CPU seconds used. */
  async run(op, args) {
    const id = (this.nextId += 1);
    const before = cpuSeconds(this.child.pid);
    const started = performance.now();
    const result = await new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, op, args });
    });
    const elapsed = (performance.now() - started) / 1000;
    return {
      ...result,
      loadgenCpuShare: +((cpuSeconds(this.child.pid) - before) / elapsed).toFixed(2),
    };
  }

  stop() {
    return stop(this.child);
  }
}
