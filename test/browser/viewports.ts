import type { BrowserContextOptions } from 'playwright-core';

/** A phone held upright (an iPhone 14's CSS size), touch and all. */
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
