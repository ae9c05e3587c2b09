import assert from 'node:assert/strict';
import { describe, expect, it } from '@jest/globals';
import { REDACT_PATHS, redactUrl, scrubText } from './redaction.js';

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

describe('REDACT_PATHS', () => {
  it('covers credentials, SDP and ICE at the top and one level down', () => {
    for (const key of ['password', 'accessToken', 'resumeToken', 'sdp', 'iceCandidate']) {
      expect(REDACT_PATHS).toContain(key);
      expect(REDACT_PATHS).toContain(`*.${key}`);
    }
    expect(REDACT_PATHS).toContain('*["set-cookie"]');
  });
});
