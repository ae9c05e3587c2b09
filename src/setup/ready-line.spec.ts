import { describe, expect, it } from '@jest/globals';
import { readyLine } from './ready-line.js';

describe('the ready line', () => {
  it('names the address to open, /trust and the fingerprint on a LAN', () => {
    expect(
      readyLine({
        host: '192.168.1.20',
        publicUrl: 'https://192.168.1.20',
        trustUrl: 'http://192.168.1.20/trust',
        caSha256: 'AB:CD',
      }),
    ).toBe(
      'Dialtone is ready: open https://192.168.1.20 on your phone. Trust its certificate first: ' +
        'http://192.168.1.20/trust (root CA SHA-256 AB:CD; the file is ca/root.crt in the setup volume)',
    );
  });

  it('names only the address with a public certificate', () => {
    expect(
      readyLine({
        host: 'dialtone.example.org',
        publicUrl: 'https://dialtone.example.org',
        trustUrl: null,
        caSha256: 'AB:CD',
      }),
    ).toBe('Dialtone is ready: open https://dialtone.example.org on your phone.');
  });
});
