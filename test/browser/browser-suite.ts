import { afterAll, afterEach, beforeAll } from '@jest/globals';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { launchChromium } from './chromium.js';

export interface BrowserSuite {
  /** The suite's app (replaced by `restartApp`). */
  readonly app: TestApp;
  /** A fresh browser context (own cookies, own camera), closed after the current test. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** Restarts the app on the same port and data folder (see TestApp.restart). */
  restartApp(): Promise<TestApp>;
}

/**
 * Registers a describe block's hooks: one app (configured by `env`) and one Chromium for the
 * block, and every browser context a test opens closed after that test.
 */
export function browserSuite(env: Record<string, string> = {}): BrowserSuite {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp(env), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) {
      throw new Error('the browser suite has not started');
    }
    return value;
  };
  return {
    get app() {
      return started(app);
    },
    async newContext(options = {}) {
      const context = await started(browser).newContext(options);
      contexts.push(context);
      return context;
    },
    async restartApp() {
      app = await started(app).restart();
      return app;
    },
  };
}
