// Type-checks the browser client against the DOM (tsconfig.client.json), then bundles it
// (client/call-page.ts, account-page.ts, trust-page.ts, share-page.ts and the shared protocol, i18n and DTO types they
// import) into public/js; then copies what the pages load at once (scripts, style sheets, the
// icon) to public/assets/ under names carrying a hash of their content, listed in
// public/assets/manifest.json, and bundles the service worker (client/sw/) into public/sw.js. The server links the hashed names and serves them as immutable
// (src/pages/asset-urls.ts): a returning visitor fetches nothing the build did not change.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.client.json'], { stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.sw.json'], { stdio: 'inherit' });

await build({
  entryPoints: [
    'client/call-page.ts',
    'client/account-page.ts',
    'client/trust-page.ts',
    'client/share-page.ts',
  ],
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  outdir: 'public/js',
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
});

/** The public paths the pages link, as the views name them. */
const HASHED = [
  '/js/call-page.js',
  '/js/account-page.js',
  '/js/share-page.js',
  '/css/app.css',
  '/css/call.css',
  '/css/contacts.css',
  '/css/verify.css',
  '/icons/icon.svg',
];
const ASSETS = 'public/assets';
rmSync(ASSETS, { recursive: true, force: true });
mkdirSync(ASSETS, { recursive: true });
const manifest = {};
for (const path of HASHED) {
  const source = `public${path}`;
  const content = readFileSync(source);
  const hash = createHash('sha256').update(content).digest('base64url').slice(0, 10);
  const extension = extname(path);
  const hashedName = `${basename(path, extension)}-${hash}${extension}`;
  copyFileSync(source, `${ASSETS}/${hashedName}`);
  manifest[path] = `/assets/${hashedName}`;
  if (extension === '.js') {
    // The bundle names its map relatively ("call-page.js.map"): it resolves beside the copy.
    copyFileSync(`${source}.map`, `${ASSETS}/${basename(path)}.map`);
  }
}
writeFileSync(`${ASSETS}/manifest.json`, `${JSON.stringify(manifest, null, 2)}\n`);
// The service worker is served from the root (/sw.js) so that its scope is the whole site, and
// as a classic script: module service workers are not in every browser it must run in.
await build({
  entryPoints: ['client/sw/service-worker.ts'],
  bundle: true,
  format: 'iife',
  target: ['es2022'],
  outfile: 'public/sw.js',
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
});
