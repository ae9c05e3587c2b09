import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { call } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { vapidEnv } from './support/vapid.js';

const SOURCE_MAP = '/js/call-page.js.map';

describe('Permissions-Policy', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('lets pages use the camera and microphone for themselves only, and nothing else', async () => {
    for (const path of ['/login', '/health', '/js/call-page.js', '/users/me']) {
      const policy = (await call(app.baseUrl, 'GET', path)).headers.get('permissions-policy');
      const directives = new Map(
        (policy ?? '').split(', ').map((entry) => entry.split('=') as [string, string]),
      );
      expect([
        path,
        directives.get('camera'),
        directives.get('microphone'),
        directives.get('display-capture'),
      ]).toStrictEqual([path, '(self)', '(self)', '(self)']);
      for (const feature of ['geolocation', 'payment', 'usb']) {
        expect([path, feature, directives.get(feature)]).toStrictEqual([path, feature, '()']);
      }
    }
  });

  it('serves source maps in development', async () => {
    const map = await call(app.baseUrl, 'GET', SOURCE_MAP);
    expect(map.status).toBe(200);
    expect(map.json()).toHaveProperty('sources');
  });
});

describe('source maps in production', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      NODE_ENV: 'production',
      JWT_SECRET: 'headers-e2e-0123456789-0123456789-0123456789',
      ...vapidEnv(),
    });
  });
  afterAll(() => app.close());

  it('are not served, while the scripts are', async () => {
    const map = await call(app.baseUrl, 'GET', SOURCE_MAP);
    expect(map.status).toBe(404);
    expect(map.text).not.toMatch(/sourcesContent|"sources"/);
    for (const variant of [
      `${SOURCE_MAP}?x=1`,
      '/js/call-page.js%2Emap',
      '/js/call-page.js%2emap',
    ]) {
      expect([variant, (await call(app.baseUrl, 'GET', variant)).status]).toStrictEqual([
        variant,
        404,
      ]);
    }
    expect((await call(app.baseUrl, 'GET', '/js/call-page.js')).status).toBe(200);
  });
});
