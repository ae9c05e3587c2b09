import assert from 'node:assert/strict';
import { describe, expect, it } from '@jest/globals';
import { safeNextPath } from './local-path.js';

describe('safeNextPath', () => {
  it('keeps paths on this site', () => {
    for (const path of [
      '/',
      '/webrtc/x',
      '/webrtc/bob?lang=fr#top',
      '/a//b',
      `/${'a'.repeat(511)}`,
    ]) {
      expect(safeNextPath(path)).toBe(path);
    }
  });

  it('refuses anything a browser could take to another site', () => {
    const offsite = [
      '//evil.com',
      '///evil.com',
      '/\\evil.com',
      'https://evil.com',
      'http:/evil.com',
      'javascript:alert(1)',
      'evil.com',
      '\\\\evil.com',
      '/\t/evil.com', // browsers drop tabs and newlines, leaving //evil.com
      '/\n/evil.com',
      ' /webrtc/x',
      '',
    ];
    for (const next of offsite) {
      assert.equal(safeNextPath(next), undefined, JSON.stringify(next));
    }
  });

  it('refuses non-strings and overlong paths', () => {
    for (const next of [undefined, null, 42, ['/webrtc/x'], { path: '/' }, `/${'a'.repeat(512)}`]) {
      expect(safeNextPath(next)).toBe(undefined);
    }
  });
});
