// Bundles the browser client (client/*.ts) into public/js with esbuild.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entry = 'client/call-page.ts';
if (existsSync(entry)) {
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    target: ['es2022'],
    outdir: 'public/js',
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
  });
}
