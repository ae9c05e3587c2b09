import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ENGINES = join(SRC, 'signaling/engines');
/** The one module outside code may import: it chooses the engine from the configuration. */
const CHOOSER = join(ENGINES, 'engine.module.ts');
/** npm packages only an engine may use. */
const ENGINE_PACKAGES = ['redis', '@redis/client'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(path);
    }
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports (static, `export … from` and dynamic), as written. */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const pattern = /(?:from|import)\s*\(?\s*'([^']+)'/g;
  return [...text.matchAll(pattern)].map((match) => match[1]);
}

/** The engine files (and engine packages) that files outside src/signaling/engines import. */
function engineImportsOutsideEngines(): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(SRC).filter((f) => !f.startsWith(ENGINES + '/'))) {
    for (const specifier of importsOf(file)) {
      const target = specifier.startsWith('.')
        ? resolve(dirname(file), specifier).replace(/\.js$/, '.ts')
        : undefined;
      const intoEngine = target?.startsWith(ENGINES + '/') && target !== CHOOSER;
      const enginePackage = ENGINE_PACKAGES.some(
        (p) => specifier === p || specifier.startsWith(`${p}/`),
      );
      if (intoEngine || enginePackage) {
        found.push(`${relative(SRC, file)} imports ${specifier}`);
      }
    }
  }
  return found;
}

describe('engine boundary', () => {
  it('nothing outside src/signaling/engines imports an engine, only the module that chooses one', () => {
    expect(engineImportsOutsideEngines()).toStrictEqual([]);
  });

  it('the scan sees imports: the app module reaches the chooser, the chooser both engines', () => {
    expect(importsOf(join(SRC, 'app.module.ts'))).toContain('./signaling/engines/engine.module.js');
    expect(importsOf(CHOOSER)).toEqual(
      expect.arrayContaining(['./memory/memory-engine.js', './redis/redis-engine.js']),
    );
    expect(sourceFiles(SRC).length).toBeGreaterThan(100);
  });
});
