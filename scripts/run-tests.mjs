// Runs the compiled test suites (tsc -p tsconfig.json writes them to dist-test/) with Node's
// own test runner. Usage: node scripts/run-tests.mjs <suite> [<suite> ...]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suites = {
  unit: { dir: 'dist-test/src', suffix: '.spec.js' },
  e2e: { dir: 'dist-test/test', suffix: '.e2e-spec.js' },
  integration: { dir: 'dist-test/test', suffix: '.int-spec.js' },
  browser: { dir: 'dist-test/test', suffix: '.browser-spec.js' },
  stack: { dir: 'dist-test/test', suffix: '.stack-spec.js' },
};

function find(dir, suffix) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return find(path, suffix);
    }
    return path.endsWith(suffix) ? [path] : [];
  });
}

const requested = process.argv.slice(2);
const files = requested.flatMap((name) => {
  const suite = suites[name];
  if (!suite) {
    throw new Error(`unknown suite "${name}"; known: ${Object.keys(suites).join(', ')}`);
  }
  const found = find(suite.dir, suite.suffix).sort();
  if (found.length === 0) {
    throw new Error(`suite "${name}" has no test files under ${suite.dir}`);
  }
  return found;
});

const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'test' } },
);
process.exit(result.status ?? 1);
