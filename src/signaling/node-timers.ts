import type { Timers } from './call-machine.types.js';

/** The real clock behind the `Timers` seam (tests pass fake ones; Redis will pass a shared one). */
export const nodeTimers: Timers = {
  set: (ms, callback) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
