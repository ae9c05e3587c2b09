import { describe, expect, it } from '@jest/globals';
import { parseControlRequest } from './parse-control-request.js';

const resume = {
  type: 'resume',
  sessionId: 's'.repeat(36),
  resumeToken: 't'.repeat(43),
  lastSeq: 0,
};

describe('parseControlRequest', () => {
  it('a ping is a ping, whatever else the frame carries', () => {
    expect(parseControlRequest({ type: 'ping', sessionId: 5 })).toStrictEqual({ type: 'ping' });
  });

  it('a resume keeps exactly its three fields, dropping anything else', () => {
    expect(parseControlRequest({ ...resume, lastSeq: 17, extra: { deep: true } })).toStrictEqual({
      type: 'resume',
      sessionId: resume.sessionId,
      resumeToken: resume.resumeToken,
      lastSeq: 17,
    });
  });

  it('takes a sessionId of up to 64 characters and refuses 65', () => {
    const at = parseControlRequest({ ...resume, sessionId: 'x'.repeat(64) });
    expect(at).toMatchObject({ type: 'resume', sessionId: 'x'.repeat(64) });
    expect(parseControlRequest({ ...resume, sessionId: 'x'.repeat(65) })).toBe(
      'sessionId must be a string of at most 64 characters',
    );
  });

  it('takes a resumeToken of up to 128 characters and refuses 129', () => {
    const at = parseControlRequest({ ...resume, resumeToken: 'y'.repeat(128) });
    expect(at).toMatchObject({ type: 'resume', resumeToken: 'y'.repeat(128) });
    expect(parseControlRequest({ ...resume, resumeToken: 'y'.repeat(129) })).toBe(
      'resumeToken must be a string of at most 128 characters',
    );
  });

  it('refuses a sessionId or resumeToken that is not a string', () => {
    for (const sessionId of [undefined, 7, null, ['a'], { id: 'a' }]) {
      expect(parseControlRequest({ ...resume, sessionId })).toBe(
        'sessionId must be a string of at most 64 characters',
      );
    }
    for (const resumeToken of [undefined, 7, null, ['a']]) {
      expect(parseControlRequest({ ...resume, resumeToken })).toBe(
        'resumeToken must be a string of at most 128 characters',
      );
    }
  });

  it('takes lastSeq 0 and the largest safe integer; refuses negatives, fractions, strings, unsafe', () => {
    expect(parseControlRequest({ ...resume, lastSeq: Number.MAX_SAFE_INTEGER })).toMatchObject({
      lastSeq: Number.MAX_SAFE_INTEGER,
    });
    for (const lastSeq of [-1, 1.5, '3', undefined, null, Number.MAX_SAFE_INTEGER + 1, NaN]) {
      expect(parseControlRequest({ ...resume, lastSeq })).toBe(
        'lastSeq must be a whole number, 0 or more',
      );
    }
  });
});
