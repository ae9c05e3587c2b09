// Restores package-lock.json entries for optional platform binaries that `npm install` could not
// resolve. The registry mirror this project is built against lacks some of them (e.g. the
// darwin/win32 builds of @swc/core and @unrs/resolver-binding); npm then leaves them out of the
// lock, and `npm ci` refuses the lock as out of sync. The entries written here carry the platform
// fields npm reads to skip a binary that does not match the machine, so nothing is fetched for
// them. Run after `npm install` changes the lock: node scripts/lock-platform-entries.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const packages = lock.packages;

const OSES = [
  'aix',
  'android',
  'darwin',
  'freebsd',
  'linux',
  'openbsd',
  'openharmony',
  'sunos',
  'win32',
];

/** `@swc/core-linux-arm-gnueabihf` → { os: [linux], cpu: [arm], libc: [glibc] }; undefined if not a platform binary. */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const at = parts.findIndex((part) => OSES.includes(part));
  if (at < 0 || at + 1 >= parts.length) {
    return undefined;
  }
  const abi = parts[at + 2] ?? '';
  const libc = abi.startsWith('gnu') ? ['glibc'] : abi.startsWith('musl') ? ['musl'] : undefined;
  return { os: [parts[at]], cpu: [parts[at + 1]], ...(libc ? { libc } : {}) };
}

let added = 0;
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const where = `${path ? `${path}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (packages[where] || packages[hoisted]) {
      continue;
    }
    const platform = platformOf(name);
    if (!platform) {
      throw new Error(`${name}: not a platform binary; resolve it with npm install`);
    }
    packages[hoisted] = {
      version,
      ...platform,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
    };
    added += 1;
  }
}
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform entries`);
