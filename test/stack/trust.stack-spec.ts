// The phone's first minute, natively (issue 22): the stack started from the setup step's files
// only; /trust over plain HTTP through Caddy hands out the root Caddy really serves from (its
// fingerprint, the .crt and the iOS profile), a QR code that decodes to the HTTPS address, and
// every other plain-HTTP path redirects. Chromium in the stack's namespace, with an empty NSS
// store, sees "not trusted"; with the certificate it downloaded from /trust added through
// certutil, the check turns green. The ready line (the `ready` service) names all of it.
// Needs `npm run build` first.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jsQRModule from 'jsqr';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { PNG } from 'pngjs';
import { assertNoViolations } from '../browser/axe-audit.js';
import { CHROMIUM_ARGS } from '../browser/chromium.js';
import {
  httpGet,
  peerCertificate,
  prepareBrowserHome,
  REPO_ROOT,
  run,
  startAppStack,
  tempDir,
  Teardown,
  trustInBrowserHome,
  type BrowserHome,
  type Stack,
} from './stack.js';

// jsqr is CommonJS: Node hands its module.exports (the function) as the default export, the
// types describe the `default` property it also has.
const jsQR = jsQRModule.default;

/** The body of a plain-HTTP GET as bytes (httpGet decodes text). */
function httpBytes(url: string): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The root at the top of the chain Caddy presents (no SNI, as a browser opening an IP). */
async function servedRoot(host: string, port: number, ca: string): Promise<X509Certificate> {
  let cert = await peerCertificate(host, port, ca);
  while (cert.issuerCertificate !== undefined && cert.issuerCertificate !== cert) {
    cert = cert.issuerCertificate;
  }
  return new X509Certificate(cert.raw);
}

describe('/trust: a phone trusts the stack in one minute', () => {
  const teardown = new Teardown();
  let stack: Stack;
  let trustUrl: string;

  beforeAll(async () => {
    stack = await startAppStack(teardown);
    trustUrl = `${stack.caddy.httpOrigin}/trust`;
  });

  afterAll(() => teardown.run());

  it('ends with the ready line: the HTTPS address, /trust and the fingerprint the setup step logged', async () => {
    const root = new X509Certificate(stack.caddy.rootCa);
    expect(stack.setup.output).toContain(`root CA SHA-256 ${root.fingerprint256}`);
    const announced = await run(process.execPath, [join(REPO_ROOT, 'dist/setup/announce.js')], {
      env: { PATH: process.env.PATH, SETUP_DIR: stack.setup.dir },
    });
    assert.equal(announced.code, 0, announced.stderr);
    expect(announced.stdout.trim()).toBe(
      `Dialtone is ready: open ${stack.caddy.origin} on your phone. Trust its certificate first: ` +
        `${trustUrl} (root CA SHA-256 ${root.fingerprint256}; the file is ca/root.crt in the ` +
        'setup volume)',
    );
  });

  it('serves, over plain HTTP, the root Caddy really serves from, with its fingerprint', async () => {
    const served = await servedRoot(stack.host, stack.caddy.httpsPort, stack.caddy.rootCa);
    const page = await httpGet(trustUrl);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain(`<code id='fingerprint'>${served.fingerprint256}</code>`);
    const crt = await httpBytes(`${trustUrl}/dialtone-root.crt`);
    expect([crt.status, crt.type]).toStrictEqual([200, 'application/x-x509-ca-cert']);
    const downloaded = new X509Certificate(crt.body);
    expect(downloaded.fingerprint256).toBe(served.fingerprint256);
    assert.ok(downloaded.ca, 'a CA certificate');
    const profile = await httpBytes(`${trustUrl}/dialtone.mobileconfig`);
    expect([profile.status, profile.type]).toStrictEqual([200, 'application/x-apple-aspen-config']);
    const text = profile.body.toString('utf8');
    expect(text).toContain('<string>com.apple.security.root</string>');
    const data = /<data>\s*([\s\S]*?)\s*<\/data>/.exec(text)?.[1] ?? '';
    const inProfile = new X509Certificate(Buffer.from(data.replace(/\s/g, ''), 'base64'));
    expect(inProfile.fingerprint256).toBe(served.fingerprint256);
    // In Chinese too.
    const zh = await httpGet(`${trustUrl}?lang=zh-CN`);
    expect(zh.body).toContain("<html lang='zh-CN'>");
    expect(zh.body).toContain('信任这台 Dialtone 服务器');
  });

  it('shows a QR code that decodes to the HTTPS address', async () => {
    const png = await httpBytes(`${trustUrl}/qr.png`);
    expect([png.status, png.type]).toStrictEqual([200, 'image/png']);
    const image = PNG.sync.read(png.body);
    const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
    expect(code?.data).toBe(`${stack.caddy.origin}/`);
  });

  it('redirects every other plain-HTTP path to HTTPS', async () => {
    for (const path of ['/', '/login', '/webrtc/alice?x=1', '/health', '/trustworthy', '/js/x']) {
      const res = await httpGet(`${stack.caddy.httpOrigin}${path}`);
      expect([path, res.status]).toStrictEqual([path, 308]);
      expect(res.headers.location).toBe(`https://${stack.host}${path}`);
    }
  });

  describe('in Chromium', () => {
    const launch = async (home: BrowserHome): Promise<Browser> => {
      const browser = await chromium.launch({
        executablePath: home.executablePath,
        args: [...CHROMIUM_ARGS],
        env: home.env,
        timeout: 30_000,
      });
      teardown.add('chromium', () => browser.close());
      return browser;
    };
    const checkState = async (browser: Browser): Promise<string> => {
      const page = await browser.newPage();
      try {
        await page.goto(trustUrl);
        expect(new URL(page.url()).protocol).toBe('http:');
        const check = page.locator('#trust-check');
        await check.and(page.locator(':not([data-state="checking"])')).waitFor();
        return `${await check.getAttribute('data-state')}: ${await check.textContent()}`;
      } finally {
        await page.close();
      }
    };

    it('says "not yet" without the certificate, and turns green once certutil added the one /trust gave', async () => {
      const home = await prepareBrowserHome(undefined, stack.netns);
      teardown.add('browser home', () => home.dispose());
      const before = await launch(home);
      expect(await checkState(before)).toBe(
        'untrusted: Not yet: this browser does not trust the certificate.',
      );
      // Follow the steps: download the .crt from the page, add it to the browser's trust store.
      const page = await before.newPage({ acceptDownloads: true });
      await page.goto(trustUrl);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('#download-crt').click(),
      ]);
      const file = join(tempDir('download'), download.suggestedFilename());
      await download.saveAs(file);
      expect(download.suggestedFilename()).toBe('dialtone-root.crt');
      await before.close();
      await trustInBrowserHome(home.home, file, 'Dialtone root from /trust');
      expect(new X509Certificate(readFileSync(file)).fingerprint256).toBe(
        new X509Certificate(stack.caddy.rootCa).fingerprint256,
      );

      const after = await launch(home);
      expect(await checkState(after)).toBe(
        `trusted: Yes: this browser trusts the certificate. You can open ${stack.caddy.origin}/`,
      );
      // Accessible in both colour schemes, green state included (axe, as the accessibility suite).
      for (const colorScheme of ['light', 'dark'] as const) {
        const page = await after.newPage({ colorScheme });
        await page.goto(trustUrl);
        await page.locator('#trust-check[data-state="trusted"]').waitFor();
        await assertNoViolations(page, `/trust (${colorScheme})`);
        await page.close();
      }
    });
  });
});
