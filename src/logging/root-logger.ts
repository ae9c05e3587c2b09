import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogSettings } from './log-settings.js';
import { prettyLines } from './pretty-lines.js';
import { REDACT_PATHS, REDACTED, scrubText } from './redaction.js';

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
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACT_PATHS], censor: REDACTED },
      serializers: { err: serializeError },
    },
    destination,
  );
}

function stdout(settings: LogSettings): DestinationStream {
  // pino's own writer for JSON (buffered, flushed at exit); the pretty lines are for a terminal.
  return settings.format === 'json' ? pino.destination(1) : prettyLines(process.stdout);
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
