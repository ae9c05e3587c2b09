import { describe, expect, it } from '@jest/globals';
import { turnCredential } from './turn-credentials.js';

describe('turnCredential', () => {
  it('matches a vector computed independently with openssl', () => {
    // printf '%s' '1700003600:6a1f0c52-8d1e-4c8e-9b7a-2f1d3e4c5b6a' \
    //   | openssl dgst -sha1 -hmac 'north-wind-turn-secret' -binary | base64
    const login = turnCredential(
      'north-wind-turn-secret',
      '6a1f0c52-8d1e-4c8e-9b7a-2f1d3e4c5b6a',
      3600,
      1_700_000_000_500,
    );
    expect(login).toStrictEqual({
      username: '1700003600:6a1f0c52-8d1e-4c8e-9b7a-2f1d3e4c5b6a',
      credential: '8x2YILFAZvNaem8xIXgNP8FbkaU=',
    });
  });
});
