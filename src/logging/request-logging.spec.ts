import { describe, expect, it } from '@jest/globals';
import { requestIdFrom } from './request-logging.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it("keeps a client's or proxy's short printable id", () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    expect(requestIdFrom('Root=1-67891233-abcdef012345678912345678')).toBe(
      'Root=1-67891233-abcdef012345678912345678',
    );
    expect(requestIdFrom('x'.repeat(64))).toBe('x'.repeat(64));
  });

  it('makes a new one for none, a long one, or one with spaces, controls or non-ASCII', () => {
    for (const header of [
      undefined,
      '',
      'x'.repeat(65),
      'two words',
      'line\nbreak',
      'tab\there',
      'caf\u00e9',
      ['a', 'b'],
    ]) {
      expect(requestIdFrom(header)).toMatch(UUID);
    }
    expect(requestIdFrom(undefined)).not.toBe(requestIdFrom(undefined));
  });
});
