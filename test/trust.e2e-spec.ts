// /trust on the real application (LOCAL_CA_CERT_FILE from the setup step's local CA): the page in
// both languages with the fingerprint, the policy that lets its check reach the HTTPS origin, the
// downloads in the types phones expect, the QR code, and nothing at all without a local CA.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLocalCa, type LocalCa } from '../src/setup/local-ca.js';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('/trust', () => {
  let dir: string;
  let ca: LocalCa;
  let server: TestApp;
  let bare: TestApp;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.baseUrl}${path}`, { headers });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dialtone-trust-'));
    ca = await ensureLocalCa(dir);
    server = await startTestApp({
      LOCAL_CA_CERT_FILE: ca.certPath,
      PUBLIC_URL: 'https://192.168.1.20',
    });
    bare = await startTestApp();
  });

  afterAll(async () => {
    await server.close();
    await bare.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the fingerprint, the downloads, the steps, the QR code and the check', async () => {
    const res = await get('/trust', { 'accept-language': 'en-US,en;q=0.9' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<code id='fingerprint'>${ca.sha256}</code>`);
    for (const part of [
      "href='/trust/dialtone-root.crt'",
      "href='/trust/dialtone.mobileconfig'",
      "src='/trust/qr.png'",
      "alt='QR code of https://192.168.1.20/'",
      "data-probe='https://192.168.1.20/trust/check.png'",
      "<script type='module' src='/trust/trust-page.js'></script>",
      "<link rel='stylesheet' href='/trust/app.css' />",
      'Android',
      'iPhone and iPad',
      'Windows',
      'macOS',
      'Linux and Firefox',
    ]) {
      expect(html).toContain(part);
    }
    // Every asset is under /trust: the only path plain HTTP serves.
    for (const [, url] of html.matchAll(/(?:href|src)='([^']+)'/g)) {
      assert.ok(url.startsWith('/trust/') || url.startsWith('https://'), url);
    }
    // The check loads an image from the HTTPS origin: allowed by this page's policy only.
    expect(res.headers.get('content-security-policy')).toMatch(
      /img-src 'self' https:\/\/192\.168\.1\.20(;|$)/,
    );
    expect(res.headers.get('vary')).toMatch(/Accept-Language/);
  });

  it('is translated into Simplified Chinese', async () => {
    const html = await (await get('/trust', { 'accept-language': 'zh-CN,zh;q=0.9' })).text();
    expect(html).toContain("<html lang='zh-CN'>");
    expect(html).toContain('信任这台 Dialtone 服务器');
    expect(html).toContain('还没有：这个浏览器尚不信任该证书。');
    expect(html).toContain(ca.sha256);
  });

  it('hands out the root as a DER .crt and an iOS profile', async () => {
    const crt = await get('/trust/dialtone-root.crt');
    expect(crt.headers.get('content-type')).toBe('application/x-x509-ca-cert');
    expect(crt.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?dialtone-root\.crt"?$/,
    );
    const cert = new X509Certificate(Buffer.from(await crt.arrayBuffer()));
    expect(cert.fingerprint256).toBe(ca.sha256);
    const profile = await get('/trust/dialtone.mobileconfig');
    expect(profile.headers.get('content-type')).toBe('application/x-apple-aspen-config');
    const text = await profile.text();
    expect(text).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<!DOCTYPE plist/);
    expect(text).toContain('<string>com.apple.security.root</string>');
    expect(text).toContain('<string>Dialtone (192.168.1.20)</string>');
    const uuids = [...text.matchAll(/<key>PayloadUUID<\/key>\s*<string>([^<]+)<\/string>/g)];
    expect(uuids.length).toBe(2);
    for (const [, uuid] of uuids) {
      expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    // The same profile every time, so that a second download replaces the first on the phone.
    expect(await (await get('/trust/dialtone.mobileconfig')).text()).toBe(text);
  });

  it('serves the QR code, the check image (to other origins too), the script and the styles', async () => {
    const qr = await get('/trust/qr.png');
    expect(qr.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await qr.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const check = await get('/trust/check.png');
    expect(check.headers.get('content-type')).toBe('image/png');
    expect(check.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(check.headers.get('cache-control')).toBe('no-store');
    expect((await get('/trust/trust-page.js')).status).toBe(200);
    expect((await get('/trust/app.css')).headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('does not exist without a local CA (a public certificate)', async () => {
    for (const path of ['/trust', '/trust/dialtone-root.crt', '/trust/qr.png', '/trust/app.css']) {
      const res = await fetch(`${bare.baseUrl}${path}`);
      expect([path, res.status]).toStrictEqual([path, 404]);
    }
  });
});
