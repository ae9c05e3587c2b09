import { describe, expect, it } from '@jest/globals';
import { canonicalOrigin, isCrossSiteRequest, isTrustedOrigin } from './trusted-origin.js';

const config = {
  publicOrigin: 'https://call.example.org',
  allowedOrigins: ['https://partner.example'],
};

describe('isTrustedOrigin', () => {
  it('trusts PUBLIC_URL and ALLOWED_ORIGINS', () => {
    expect(isTrustedOrigin('https://call.example.org', undefined, config)).toBe(true);
    expect(isTrustedOrigin('https://partner.example', undefined, config)).toBe(true);
    expect(isTrustedOrigin('HTTPS://Call.Example.org:443', undefined, config)).toBe(true);
  });

  it('trusts the origin the request was sent to only when PUBLIC_URL is not set', () => {
    const noPublicUrl = { publicOrigin: undefined, allowedOrigins: [] };
    expect(isTrustedOrigin('http://127.0.0.1:3000', 'http://127.0.0.1:3000', noPublicUrl)).toBe(
      true,
    );
    // Behind a TLS proxy the request arrives as http://HOST: with PUBLIC_URL, that is not own.
    expect(isTrustedOrigin('http://call.example.org', 'http://call.example.org', config)).toBe(
      false,
    );
  });

  it('compares whole origins: scheme, host and port', () => {
    for (const origin of [
      'http://call.example.org', // the scheme differs
      'https://call.example.org:8443',
      'https://call.example.org.evil.example',
      'https://evil.example',
      'http://127.0.0.1:3001',
      'null',
      'not a url',
      'file:///etc/passwd',
    ]) {
      expect(isTrustedOrigin(origin, 'http://127.0.0.1:3000', config)).toBe(false);
    }
  });
});

describe('canonicalOrigin', () => {
  it('lower-cases and drops default ports; refuses non-http schemes', () => {
    expect(canonicalOrigin('HTTP://LocalHost:80')).toBe('http://localhost');
    expect(canonicalOrigin('https://x.example:8443/path')).toBe('https://x.example:8443');
    expect(canonicalOrigin('ws://x.example')).toBe(undefined);
    expect(canonicalOrigin('null')).toBe(undefined);
  });
});

describe('isCrossSiteRequest', () => {
  const own = (origin: string) => origin === 'https://call.example.org';

  it('lets same-origin pages and programs without Origin through', () => {
    expect(isCrossSiteRequest('same-origin', undefined, own)).toBe(false);
    expect(isCrossSiteRequest('same-origin', 'https://whatever.example', own)).toBe(false);
    expect(isCrossSiteRequest(undefined, 'https://call.example.org', own)).toBe(false);
    expect(isCrossSiteRequest(undefined, undefined, own)).toBe(false); // curl, scripts, apps
    expect(isCrossSiteRequest('none', undefined, own)).toBe(false); // typed by the user
  });

  it('refuses pages of other sites, sibling subdomains and opaque origins', () => {
    expect(isCrossSiteRequest('cross-site', 'https://evil.example', own)).toBe(true);
    expect(isCrossSiteRequest('same-site', 'https://evil.call.example.org', own)).toBe(true);
    expect(isCrossSiteRequest(undefined, 'https://evil.example', own)).toBe(true); // older browser
    expect(isCrossSiteRequest('cross-site', 'null', own)).toBe(true);
    expect(isCrossSiteRequest('cross-site', undefined, own)).toBe(true);
  });
});
