import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_PUSH_ENDPOINTS,
  endpointProblem,
  parseEndpointPatterns,
} from './endpoint-allowlist.js';

const defaults = parseEndpointPatterns(DEFAULT_PUSH_ENDPOINTS);
const allowed = (endpoint: string, patterns = defaults) => endpointProblem(endpoint, patterns);

describe('the push endpoint allowlist', () => {
  it('accepts the known push services by default', () => {
    for (const endpoint of [
      'https://fcm.googleapis.com/fcm/send/abc:APA91b',
      'https://updates.push.services.mozilla.com/wpush/v2/gAAAA',
      'https://wns2-par02p.notify.windows.com/w/?token=BQYAAA',
      'https://web.push.apple.com/QGuQyavXutnMH',
      'https://api.push.apple.com/3/device/x',
    ]) {
      expect([endpoint, allowed(endpoint)]).toStrictEqual([endpoint, undefined]);
    }
  });

  it('refuses plain http:, other hosts, look-alikes and non-default ports', () => {
    for (const endpoint of [
      'http://fcm.googleapis.com/fcm/send/x',
      'https://evil.example/fcm/send/x',
      'https://fcm.googleapis.com.evil.example/x',
      'https://evilnotify.windows.com/x',
      'https://notify.windows.com.evil.example/x',
      'https://x.notify.windows.com:8443/x',
      'https://fcm.googleapis.com:8443/x',
      'ftp://fcm.googleapis.com/x',
      'not a url',
    ]) {
      expect([endpoint, allowed(endpoint)]).toStrictEqual([endpoint, expect.any(String)]);
    }
  });

  it('refuses loopback, link-local, private and other IP literals, even under a wildcard', () => {
    const wide = parseEndpointPatterns(['*.example.com']);
    for (const endpoint of [
      'https://127.0.0.1/push',
      'https://localhost/push',
      'https://push.localhost/push',
      'https://[::1]/push',
      'https://169.254.169.254/latest/meta-data',
      'https://[fe80::1]/push',
      'https://10.0.0.5/push',
      'https://192.168.1.1/push',
      'https://2130706433/push', // 127.0.0.1 written as one number; URL normalises it
    ]) {
      expect([endpoint, allowed(endpoint)]).toStrictEqual([endpoint, expect.any(String)]);
      expect([endpoint, allowed(endpoint, wide)]).toStrictEqual([endpoint, expect.any(String)]);
    }
    expect(allowed('https://push.example.com/x', wide)).toBe(undefined);
  });

  it('refuses credentials in the URL (user@host tricks)', () => {
    expect(allowed('https://fcm.googleapis.com@evil.example/x')).toMatch(/credentials/);
    expect(allowed('https://user:pw@fcm.googleapis.com/x')).toMatch(/credentials/);
  });

  it('lets an exactly listed origin through, http: and loopback included (how tests run)', () => {
    const local = parseEndpointPatterns(['http://127.0.0.1:8090']);
    expect(allowed('http://127.0.0.1:8090/notify/abc', local)).toBe(undefined);
    expect(allowed('http://127.0.0.1:8091/notify/abc', local)).toMatch(/https/);
    expect(allowed('https://127.0.0.1:8090/notify/abc', local)).toMatch(/IP address/);
    // The list replaces the defaults.
    expect(allowed('https://fcm.googleapis.com/fcm/send/x', local)).toMatch(/https|known/);
  });

  it('refuses malformed configuration entries', () => {
    for (const entry of [
      '*',
      '*.com',
      'fcm.googleapis.com',
      'https://x.example/path',
      'ws://x.example',
    ]) {
      expect(() => parseEndpointPatterns([entry])).toThrow(entry);
    }
  });
});
