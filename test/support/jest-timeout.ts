import { jest } from '@jest/globals';

// Jest ignores `testTimeout` inside `projects` (jestjs/jest#9759), so each project passes its
// timeout as a global and this setup file applies it.
declare global {
  var DIALTONE_TEST_TIMEOUT_MS: number;
}
jest.setTimeout(globalThis.DIALTONE_TEST_TIMEOUT_MS);
