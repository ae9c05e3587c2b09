import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PUBLIC_DIR } from '../config/paths.js';

/** Where `npm run build` puts the content-hashed copies of what the pages load (build-client.mjs). */
export const HASHED_ASSETS_DIR = join(PUBLIC_DIR, 'assets');
/** A hashed name changes whenever its content does: browsers may keep it for good. */
export const HASHED_ASSET_MAX_AGE = '365d';

let manifest: Readonly<Record<string, string>> | undefined;

/**
 * The URL a view links for a public file (`/js/call-page.js`): its hashed copy
 * (`/assets/call-page-3kd9sQ0aXz.js`), or the plain path when the build made none.
 */
export function assetUrl(path: string): string {
  manifest ??= readManifest();
  return manifest[path] ?? path;
}

function readManifest(): Record<string, string> {
  try {
    return JSON.parse(readFileSync(join(HASHED_ASSETS_DIR, 'manifest.json'), 'utf8')) as Record<
      string,
      string
    >;
  } catch {
    return {}; // not built (a test of the server alone): the plain paths work too
  }
}
