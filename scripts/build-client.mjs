// Type-checks the browser client against the DOM (tsconfig.client.json), then bundles it
// (client/call-page.ts, client/account-page.ts and the shared protocol, i18n and DTO types they
// import) into public/js, and the service worker (client/sw/) into public/sw.js.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.client.json'], { stdio: 'inherit' });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.sw.json'], { stdio: 'inherit' });

await build({
  entryPoints: ['client/call-page.ts', 'client/account-page.ts'],
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  outdir: 'public/js',
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
});

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
