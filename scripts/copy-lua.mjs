// Copies the Redis engine's Lua scripts (src/**/*.lua) next to the compiled code in dist/, where
// src/signaling/engines/redis/lua/signaling-lua.ts reads them at start-up. tsc copies no .lua.
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? 'dist';
let copied = 0;
for (const file of readdirSync('src', { recursive: true, encoding: 'utf8' })) {
  if (file.endsWith('.lua')) {
    cpSync(join('src', file), join(out, file));
    copied += 1;
  }
}
if (copied === 0) {
  throw new Error('no .lua file under src/: the Redis engine would not start');
}
