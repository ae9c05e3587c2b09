import { readFileSync } from 'node:fs';

/**
 * This process's soft limit on open file descriptors (`ulimit -n`), from /proc/self/limits:
 * Node offers no getrlimit. Undefined where there is no /proc (not Linux) or no limit.
 */
export function openFileLimit(
  read: () => string = () => readFileSync('/proc/self/limits', 'utf8'),
) {
  let limits: string;
  try {
    limits = read();
  } catch {
    return undefined;
  }
  const soft = /^Max open files\s+(\d+|unlimited)\s/m.exec(limits)?.[1];
  return soft === undefined || soft === 'unlimited' ? undefined : Number(soft);
}

/** WebSockets allowed when nothing is configured and the file limit is unknown. */
const FALLBACK_MAX_SOCKETS = 10_000;

/**
 * The default cap on this process's WebSockets: the file limit minus a reserve of a quarter of it
 * (at least 64, at most 1024 descriptors) for HTTP connections, /health, the database, Redis and
 * the files the process opens itself. 4096 gives 3072 sockets; 1024 gives 768.
 */
export function defaultMaxSockets(fileLimit: number | undefined): number {
  if (fileLimit === undefined) {
    return FALLBACK_MAX_SOCKETS;
  }
  const reserve = Math.min(1024, Math.max(64, Math.floor(fileLimit / 4)));
  return Math.max(1, fileLimit - reserve);
}

/** The most WS_MAX_SOCKETS may be: a configured cap must still leave this many descriptors. */
export const MIN_DESCRIPTOR_RESERVE = 64;
