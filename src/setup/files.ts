import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

/** uid:gid a file is handed to; undefined leaves it to whoever runs the setup step. */
export type Owner = { uid: number; gid: number } | undefined;

function temporaryBeside(path: string): string {
  return join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * The content of `path`, creating it with `make()` (mode 0600) if it does not exist yet. An
 * existing file is never touched. The new file appears at once or not at all (written aside, then
 * hard-linked into place, which fails if another run got there first): a crash never leaves a
 * half-written secret behind.
 */
export function createOnce(path: string, make: () => string): { value: string; created: boolean } {
  try {
    return { value: readFileSync(path, 'utf8'), created: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = temporaryBeside(path);
  writeFileSync(temporary, make(), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw error;
    }
  } finally {
    rmSync(temporary, { force: true });
  }
  return { value: readFileSync(path, 'utf8'), created: true };
}

/**
 * Writes a file derived from other state (a service's copy of a secret, an env file), replacing
 * it atomically when its content changed, with `mode` and handed to `owner`.
 */
export function writeDerived(path: string, content: string, mode: number, owner: Owner): void {
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== content) {
    const temporary = temporaryBeside(path);
    writeFileSync(temporary, content, { mode, flag: 'wx' });
    renameSync(temporary, path);
  }
  chmodSync(path, mode);
  if (owner !== undefined) {
    chownSync(path, owner.uid, owner.gid);
  }
}

/** A directory of one service: only that service's user may enter it. */
export function serviceDir(path: string, owner: Owner): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
  if (owner !== undefined) {
    chownSync(path, owner.uid, owner.gid);
  }
}
