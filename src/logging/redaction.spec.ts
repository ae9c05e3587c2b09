import assert from 'node:assert/strict';
import { describe, expect, it } from '@jest/globals';
import { REDACTED, redactFields, redactUrl, scrubText } from './redaction.js';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('redactUrl', () => {
  it('replaces the values of credential parameters and keeps the rest', () => {
    const url = new URL(`http://h/signaling?a=1&access_token=${JWT}&b=2`);
    expect(redactUrl(url)).toBe('/signaling?a=1&access_token=REDACTED&b=2');
    assert.equal(url.searchParams.get('access_token'), JWT, 'the URL itself is untouched');
    expect(redactUrl(new URL('http://h/x?token=1&resumeToken=2&client_secret=3&q=ok'))).toBe(
      '/x?token=REDACTED&resumeToken=REDACTED&client_secret=REDACTED&q=ok',
    );
    expect(redactUrl(new URL('http://h/x?access_token=1&access_token=2'))).toBe(
      '/x?access_token=REDACTED',
    );
    expect(redactUrl(new URL('http://h/signaling?a=1'))).toBe('/signaling?a=1');
    expect(redactUrl(new URL('http://h/signaling'))).toBe('/signaling');
  });
});

describe('scrubText', () => {
  it('removes JWTs and credential assignments from free text', () => {
    const text = `upgrade /signaling?v=1&access_token=abc123 with Bearer ${JWT}; password: hunter2`;
    const scrubbed = scrubText(text);
    for (const secret of ['abc123', JWT, 'hunter2', 'eyJ']) {
      expect(scrubbed).not.toContain(secret);
    }
    expect(scrubbed).toContain('/signaling?v=1&access_token=');
  });

  it('leaves ordinary text alone', () => {
    const text = 'session 3f2a failed: Error: disk on fire\n    at handle (file.js:1:2)';
    expect(scrubText(text)).toBe(text);
  });
});

describe('redactFields', () => {
  it('hides credentials, SDP and ICE at the top and one level down, and nothing else', () => {
    const fields = {
      password: 'hunter2',
      user: 'alice',
      headers: { authorization: `Bearer ${JWT}`, 'set-cookie': 'c=1', host: 'h' },
      details: [{ sdp: 'v=0', code: 'x' }, 'text'],
      message: { iceCandidate: { candidate: 'a=1' }, type: '_ice' },
    };
    expect(redactFields(fields)).toStrictEqual({
      password: REDACTED,
      user: 'alice',
      headers: { authorization: REDACTED, 'set-cookie': REDACTED, host: 'h' },
      details: [{ sdp: REDACTED, code: 'x' }, 'text'],
      message: { iceCandidate: REDACTED, type: '_ice' },
    });
    assert.equal(fields.password, 'hunter2', 'what was logged is never changed');
    assert.equal(fields.headers.authorization, `Bearer ${JWT}`, 'nor what it holds');
  });

  it('hands back the very object when there is nothing to hide', () => {
    const fields = { msg: 'session opened', sessionId: 's1', user: 'alice', nested: { code: 1 } };
    expect(redactFields(fields)).toBe(fields);
  });
});
