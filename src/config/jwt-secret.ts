import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SECRET_FILE = 'jwt-secret';

/**
 * Development convenience: a random signing secret generated once and kept in the data folder,
 * so that logins survive a restart without anyone having to invent a secret.
 */
export function developmentJwtSecret(dataDir: string): Buffer {
  const path = join(dataDir, SECRET_FILE);
  try {
    return Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
  const secret = randomBytes(48);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, secret.toString('base64'), { mode: 0o600, flag: 'wx' });
  return secret;
}
