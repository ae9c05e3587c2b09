import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';
import { scrubText } from './redaction.js';

/**
 * Nest's start-up chatter (a line per module and per route, some 60 lines every start): debug,
 * not info, so that info is what happens to users.
 */
const BOOTSTRAP_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
  'NestFactory',
]);

/** A stack trace as Nest passes it: text with `at …` frames on lines of their own. */
const STACK = /\n\s+at /;

/**
 * Nest's LoggerService on pino, so that every `new Logger(context)` in the code base, and Nest's
 * own lines, come out structured. A message may be text, an Error, or an object of fields with a
 * `msg` (`logger.log({ msg: 'session opened', sessionId, user })`): the fields become the line's.
 * Nest's trailing context argument becomes the `context` field.
 */
export class PinoLoggerService implements LoggerService {
  private readonly children = new Map<string, Logger>();

  constructor(private readonly root: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const context = contextOf(params);
    const shown = level === 'info' && context && BOOTSTRAP_CONTEXTS.has(context) ? 'debug' : level;
    const logger = this.loggerFor(context);
    if (!logger.isLevelEnabled(shown)) {
      return;
    }
    const { fields, msg } = describe(message);
    // Logger.error with a context but no stack passes `undefined` in the stack's place.
    const rest = params.filter((param) => param !== undefined);
    const stack = rest.find(
      (param): param is string => typeof param === 'string' && STACK.test(param),
    );
    if (stack !== undefined && !('err' in fields)) {
      fields.stack = scrubText(stack);
    }
    const details = rest.filter((param) => param !== stack);
    if (details.length > 0) {
      fields.details = details;
    }
    logger[shown](fields, msg);
  }

  private loggerFor(context: string | undefined): Logger {
    if (context === undefined) {
      return this.root;
    }
    let child = this.children.get(context);
    if (!child) {
      child = this.root.child({ context });
      this.children.set(context, child);
    }
    return child;
  }
}

/** Nest passes the context last (see Logger in @nestjs/common); removes and returns it. */
function contextOf(params: unknown[]): string | undefined {
  const last = params.at(-1);
  if (typeof last === 'string' && !STACK.test(last)) {
    params.pop();
    return last;
  }
  return undefined;
}

function describe(message: unknown): { fields: Record<string, unknown>; msg: string } {
  if (message instanceof Error) {
    return { fields: { err: message }, msg: scrubText(message.message) };
  }
  if (typeof message === 'object' && message !== null && !Array.isArray(message)) {
    const { msg, ...fields } = message as Record<string, unknown>;
    return { fields, msg: typeof msg === 'string' ? msg : '' };
  }
  return { fields: {}, msg: scrubText(String(message)) };
}
