// Type-checks the browser client against the DOM (tsconfig.client.json), then bundles it
// (client/call-page.ts, client/account-page.ts and the shared protocol, i18n and DTO types they
// import) into public/js.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.client.json'], { stdio: 'inherit' });

await build({
  entryPoints: ['client/call-page.ts', 'client/account-page.ts', 'client/trust-page.ts'],
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  outdir: 'public/js',
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
});
