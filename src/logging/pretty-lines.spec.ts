import { describe, expect, it } from '@jest/globals';
import { prettyLine, prettyLines } from './pretty-lines.js';

describe('prettyLine', () => {
  it('shows time, level, context and message, then the other fields as key=value', () => {
    const line = prettyLine({
      level: 'info',
      time: '2026-01-02T03:04:05.678Z',
      pid: 1,
      hostname: 'h',
      context: 'Http',
      msg: 'request',
      reqId: 'abc',
      path: '/login',
      status: 200,
      note: 'two words',
    });
    expect(line).toBe(
      '03:04:05.678 INFO  [Http] request reqId=abc path=/login status=200 note="two words"\n',
    );
  });

  it("puts an error's stack below the line", () => {
    const line = prettyLine({
      level: 'error',
      time: '2026-01-02T03:04:05.678Z',
      msg: 'session failed',
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at f (x.js:1:1)' },
    });
    expect(line).toBe('03:04:05.678 ERROR session failed\n  Error: boom\n      at f (x.js:1:1)\n');
  });

  it('colours the level on a terminal only', () => {
    const written: string[] = [];
    const entry = JSON.stringify({ level: 'warn', time: '2026-01-02T03:04:05.678Z', msg: 'm' });
    prettyLines({ write: (text: string) => written.push(text), isTTY: true }).write(entry);
    prettyLines({ write: (text: string) => written.push(text) }).write(entry);
    expect(written[0]).toContain('\x1b[33mWARN ');
    expect(written[1]).toBe('03:04:05.678 WARN  m\n');
  });
});
