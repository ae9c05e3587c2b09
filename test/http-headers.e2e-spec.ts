import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { call } from './support/http.js';
import { createUser, startTestApp, type TestApp } from './support/test-app.js';
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

describe('in production', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      NODE_ENV: 'production',
      JWT_SECRET: 'headers-e2e-0123456789-0123456789-0123456789',
      ...vapidEnv(),
    });
  });
  afterAll(() => app.close());

  it('source maps are not served, while the scripts are', async () => {
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

  it('Cache-Control is no-store on every page and API answer that shows an account, while assets stay cacheable', async () => {
    const me = await createUser(app.baseUrl, 'cached');
    const pages = ['/account', `/webrtc/${me.username}`];
    const api = [
      '/users/me',
      '/users/me/data',
      '/calls',
      '/contacts',
      '/blocks',
      '/privacy',
      '/ice-servers',
      '/users?search=cac',
    ];
    const answers = [
      ...(await Promise.all(
        pages.map((path) => call(app.baseUrl, 'GET', path, { cookie: me.token })),
      )),
      ...(await Promise.all(
        api.map((path) => call(app.baseUrl, 'GET', path, { token: me.token })),
      )),
    ];
    expect(
      answers.map((reply, n) => [
        [...pages, ...api][n],
        reply.status,
        reply.headers.get('cache-control'),
      ]),
    ).toStrictEqual([...pages, ...api].map((path) => [path, 200, 'no-store']));
    const script = await call(app.baseUrl, 'GET', '/js/call-page.js');
    expect(script.headers.get('cache-control')).toBe('public, max-age=3600');
  });
});

describe('static assets (issue 20, point 13)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('pages link content-hashed copies, served immutable and compressed; plain paths still work', async () => {
    const login = await call(app.baseUrl, 'GET', '/login');
    const linked = [...login.text.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map(
      ([, path]) => path,
    );
    expect(linked).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/assets\/icon-[\w-]{10}\.svg$/),
        expect.stringMatching(/^\/assets\/app-[\w-]{10}\.css$/),
      ]),
    );
    for (const path of linked) {
      const asset = await call(app.baseUrl, 'GET', path, {
        headers: { 'accept-encoding': 'gzip' },
      });
      expect([path, asset.status]).toStrictEqual([path, 200]);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      if (path.endsWith('.css')) {
        expect(asset.headers.get('content-encoding')).toBe('gzip');
      }
    }
    const script = await call(app.baseUrl, 'GET', '/js/call-page.js', {
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(script.headers.get('content-encoding')).toBe('gzip');
    expect(script.headers.get('cache-control')).toBe('public, max-age=0');
  });
});
