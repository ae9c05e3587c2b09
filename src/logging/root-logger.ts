import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogSettings } from './log-settings.js';
import { prettyLines } from './pretty-lines.js';
import { redactFields, scrubText } from './redaction.js';

/**
 * The process's one pino logger: JSON lines on stdout (or readable ones, LOG_FORMAT=pretty), the
 * level as its name, an ISO time, and no credential, SDP or ICE candidate (see redaction.ts).
 * `destination` is for tests that read what is written.
 */
export function createRootLogger(
  settings: LogSettings,
  destination: DestinationStream = stdout(settings),
): Logger {
  return pino(
    {
      level: settings.level,
      timestamp: isoTime,
      formatters: { level: (label) => ({ level: label }), log: redactFields },
      serializers: { err: serializeError },
    },
    destination,
  );
}

let stampedAt = -1;
let stamp = '';

/**
 * pino's isoTime, formatted once per millisecond: lines come in bursts (a reconnect storm writes
 * thousands a second) and toISOString was a fifth of a line's cost.
 */
function isoTime(): string {
  const now = Date.now();
  if (now !== stampedAt) {
    stampedAt = now;
    stamp = `,"time":"${new Date(now).toISOString()}"`;
  }
  return stamp;
}

/** How long a JSON line may wait in the buffer before it is written. */
const FLUSH_INTERVAL_MS = 200;

function stdout(settings: LogSettings): DestinationStream {
  if (settings.format !== 'json') {
    return prettyLines(process.stdout); // for a terminal
  }
  // pino's own writer, batched: a write per 4 KiB or per FLUSH_INTERVAL_MS instead of one per
  // line, which cost a reconnect storm about 5 µs of CPU a line. pino writes what is left when
  // the process exits (a kill -9 loses at most the last interval's lines).
  const destination = pino.destination({ dest: 1, minLength: 4096, sync: false });
  const flusher = setInterval(() => destination.flush(), FLUSH_INTERVAL_MS).unref();
  destination.on('close', () => clearInterval(flusher));
  return destination;
}

/** pino's error serializer, with anything that looks like a credential scrubbed from the text. */
function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) {
    return typeof error === 'string' ? scrubText(error) : error;
  }
  const serialized = pino.stdSerializers.err(error);
  serialized.message = scrubText(serialized.message);
  serialized.stack = scrubText(serialized.stack);
  return serialized;
}
