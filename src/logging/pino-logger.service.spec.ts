import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ConsoleLogger, Logger } from '@nestjs/common';
import type { LogLevel } from './log-settings.js';
import { PinoLoggerService } from './pino-logger.service.js';
import { createRootLogger } from './root-logger.js';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

/** The raw lines a PinoLoggerService writes (the JSON format), and them parsed. */
function capture(level: LogLevel = 'trace') {
  const raw: string[] = [];
  const service = new PinoLoggerService(
    createRootLogger({ format: 'json', level }, { write: (line: string) => raw.push(line) }),
  );
  const lines = (): Record<string, unknown>[] =>
    raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { service, raw, lines };
}

describe('PinoLoggerService', () => {
  afterAll(() => {
    Logger.overrideLogger(new ConsoleLogger());
  });

  it("maps Nest's levels onto pino's and its trailing context onto `context`", () => {
    const { service, lines } = capture();
    service.log('started', 'Main');
    service.warn('slow', 'Redis');
    service.debug('detail');
    service.verbose('chatter', 'Signaling');
    service.fatal('gone', 'Main');
    expect(lines().map(({ level, context, msg }) => ({ level, context, msg }))).toStrictEqual([
      { level: 'info', context: 'Main', msg: 'started' },
      { level: 'warn', context: 'Redis', msg: 'slow' },
      { level: 'debug', context: undefined, msg: 'detail' },
      { level: 'trace', context: 'Signaling', msg: 'chatter' },
      { level: 'fatal', context: 'Main', msg: 'gone' },
    ]);
    for (const line of lines()) {
      expect(typeof line.time).toBe('string');
      expect(typeof line.pid).toBe('number');
    }
  });

  it('writes nothing below LOG_LEVEL', () => {
    const { service, raw } = capture('warn');
    service.log('info line', 'Main');
    service.debug('debug line', 'Main');
    service.error('error line', undefined, 'Main');
    expect(raw).toHaveLength(1);
    expect(raw[0]).toContain('error line');
  });

  it('turns an object message into fields and an Error into `err` with its stack', () => {
    const { service, lines } = capture();
    const error = new Error('disk on fire');
    service.error(
      { msg: 'session failed', sessionId: 's-1', user: 'bob', err: error },
      undefined,
      'Signaling',
    );
    service.error(error, undefined, 'HttpError');
    const [fields, thrown] = lines();
    expect(fields).toMatchObject({
      level: 'error',
      context: 'Signaling',
      msg: 'session failed',
      sessionId: 's-1',
      user: 'bob',
      err: { type: 'Error', message: 'disk on fire' },
    });
    expect((fields.err as { stack: string }).stack).toContain('disk on fire\n    at ');
    expect(thrown).toMatchObject({ msg: 'disk on fire', err: { message: 'disk on fire' } });
  });

  it("keeps the stack Nest's own error(message, stack, context) passes", () => {
    const { service, lines } = capture();
    const { stack } = new Error('boom');
    service.error('Unhandled', stack, 'ExceptionsHandler');
    expect(lines()[0]).toMatchObject({ context: 'ExceptionsHandler', msg: 'Unhandled', stack });
  });

  it('is what every `new Logger(context)` writes through', () => {
    const { service, lines } = capture();
    Logger.overrideLogger(service);
    new Logger('Signaling').log({ msg: 'session opened', sessionId: 's-2', user: 'alice' });
    new Logger('Signaling').error({ msg: 'session failed', sessionId: 's-2' });
    expect(lines()).toMatchObject([
      {
        level: 'info',
        context: 'Signaling',
        msg: 'session opened',
        sessionId: 's-2',
        user: 'alice',
      },
      { level: 'error', context: 'Signaling', msg: 'session failed', sessionId: 's-2' },
    ]);
  });

  it("writes Nest's start-up chatter at debug", () => {
    const { service, lines } = capture();
    service.log('AppModule dependencies initialized', 'InstanceLoader');
    service.log('Mapped {/health, GET} route', 'RouterExplorer');
    service.log('Nest application successfully started', 'NestApplication');
    expect(lines().map((line) => line.level)).toStrictEqual(['debug', 'debug', 'info']);
  });

  describe('never writes a credential, SDP or ICE candidate', () => {
    let logged: ReturnType<typeof capture>;
    beforeEach(() => {
      logged = capture();
    });

    it('in fields, at the top or one level down', () => {
      logged.service.log({
        msg: 'frame',
        password: 'hunter2-pw',
        accessToken: JWT,
        resumeToken: 'resume-secret-1',
        headers: { authorization: `Bearer ${JWT}`, cookie: 'dialtone_token=cookie-secret-1' },
        message: {
          sdp: 'v=0 o=- sdp-secret-1',
          iceCandidate: { candidate: 'candidate:ice-secret-1' },
        },
        sdp: 'v=0 sdp-secret-2',
        candidate: 'candidate:ice-secret-2',
      });
      const line = logged.raw.join('');
      for (const secret of [
        'hunter2-pw',
        JWT,
        'resume-secret-1',
        'cookie-secret-1',
        'sdp-secret',
        'ice-secret',
      ]) {
        expect(line).not.toContain(secret);
      }
      expect(logged.lines()[0]).toMatchObject({
        password: '[redacted]',
        headers: { authorization: '[redacted]', cookie: '[redacted]' },
        message: { sdp: '[redacted]', iceCandidate: '[redacted]' },
      });
    });

    it('in text messages and error messages', () => {
      logged.service.warn(`401 for /signaling?access_token=${JWT}`, 'SignalingUpgrade');
      logged.service.error(new Error(`jwt rejected: ${JWT}`), undefined, 'Auth');
      logged.service.error({ msg: 'failed', err: new Error(`token=tok-secret-1 refused`) });
      const text = logged.raw.join('');
      expect(text).not.toContain(JWT);
      expect(text).not.toContain('eyJ');
      expect(text).not.toContain('tok-secret-1');
      expect(text).toContain('401 for /signaling?access_token=');
    });
  });
});
