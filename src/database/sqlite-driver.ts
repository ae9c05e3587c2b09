import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * The better-sqlite3 module TypeORM should use on this Node. Version 12 (TypeORM's peer) aborts
 * the process on Node ≥ 24.19 whenever the garbage collector finalises a prepared statement outside
 * a JavaScript context ("Assertion failed: (env) != nullptr" in RemoveEnvironmentCleanupHook;
 * WiseLibs/better-sqlite3#1515). Version 13 fixes that but needs Node ≥ 22, so Node 22 and later
 * load 13 (installed under the alias `better-sqlite3-13`) and Node 20 keeps 12.
 */
export function sqliteDriver(nodeVersion = process.versions.node): unknown {
  const major = Number(nodeVersion.split('.')[0]);
  return require(major >= 22 ? 'better-sqlite3-13' : 'better-sqlite3');
}
