// Runs Jest in native-ESM mode (NestJS 12 is ESM-only, and Jest loads ESM only through Node's vm
// modules). Usage: node scripts/jest.mjs <suite>[,<suite>…] [jest arguments…]
// The suites (Jest projects) go last on Jest's command line: --selectProjects takes every word
// after it, so a file given as `npm test -- <file>` must come before it.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const [suites, ...jestArgs] = process.argv.slice(2);
if (!suites) {
  throw new Error('usage: node scripts/jest.mjs <suite>[,<suite>…] [jest arguments…]');
}
const jestBin = createRequire(import.meta.url).resolve('jest/bin/jest');
const result = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--disable-warning=ExperimentalWarning',
    jestBin,
    ...jestArgs,
    '--selectProjects',
    ...suites.split(','),
  ],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'test' } },
);
process.exit(result.status ?? 1);
