import type { DestinationStream } from 'pino';

/** Fields every line has, shown in the line's head rather than as key=value. */
const HEAD_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'context', 'msg', 'err']);
const LEVEL_COLOURS: Record<string, string> = {
  fatal: '\x1b[41m',
  error: '\x1b[31m',
  warn: '\x1b[33m',
  info: '\x1b[32m',
  debug: '\x1b[36m',
  trace: '\x1b[90m',
};
const RESET = '\x1b[0m';

interface Written {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * LOG_FORMAT=pretty: pino's JSON lines rewritten as one readable line each — time, level,
 * context, message, then the other fields as key=value, and an error's stack below. A few lines
 * here rather than pino-pretty and its dependencies in every process's memory.
 */
export function prettyLines(out: Written): DestinationStream {
  const colour = out.isTTY === true;
  return {
    write(line: string): void {
      out.write(prettyLine(JSON.parse(line) as Record<string, unknown>, colour));
    },
  };
}

export function prettyLine(entry: Record<string, unknown>, colour = false): string {
  const level = String(entry.level);
  const label = level.toUpperCase().padEnd(5);
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
  const context = typeof entry.context === 'string' ? ` [${entry.context}]` : '';
  const fields = Object.entries(entry)
    .filter(([key]) => !HEAD_FIELDS.has(key))
    .map(([key, value]) => ` ${key}=${shown(value)}`)
    .join('');
  const err = entry.err as { stack?: unknown } | undefined;
  const stack = typeof err?.stack === 'string' ? `\n  ${err.stack.replace(/\n/g, '\n  ')}` : '';
  const head = colour ? `${LEVEL_COLOURS[level] ?? ''}${label}${RESET}` : label;
  return `${time} ${head}${context} ${typeof entry.msg === 'string' ? entry.msg : ''}${fields}${stack}\n`;
}

/** A value as it reads in a key=value pair: bare when it has no space or quote, JSON otherwise. */
function shown(value: unknown): string {
  if (typeof value === 'string' && /^[^\s"=]+$/.test(value)) {
    return value;
  }
  return JSON.stringify(value) ?? String(value);
}
