import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The variables that may instead be read from a file named by `<NAME>_FILE` (Docker secrets, the
 * compose setup step's volume). Each is then validated exactly like the plain variable.
 */
export const FILE_VARIABLES = [
  'JWT_SECRET',
  'TURN_SECRET',
  'METRICS_TOKEN',
  'DATABASE_URL',
  'DATABASE_PASSWORD',
  'REDIS_URL',
  'LOCAL_CA_CERT',
  'VAPID_PUBLIC_KEY',
  'VAPID_PRIVATE_KEY',
] as const;

/**
 * A copy of `env` in which every `<NAME>_FILE` of `names` has been replaced by `<NAME>` holding
 * the file's content (one trailing line break removed: `echo secret > file` must work).
 * Setting both, an unreadable file and an empty file stop the server naming `<NAME>_FILE`.
 */
export function withFileVariables(env: Env, names: readonly string[] = FILE_VARIABLES): Env {
  const resolved: Record<string, string | undefined> = { ...env };
  for (const name of names) {
    const fileVariable = `${name}_FILE`;
    const path = env[fileVariable];
    if (!path) {
      continue;
    }
    if (env[name]) {
      throw new ConfigError(fileVariable, `and ${name} are both set; set only one of them`);
    }
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new ConfigError(fileVariable, `names "${path}", which cannot be read (${code})`);
    }
    const value = content.replace(/\r?\n$/, '');
    if (value === '') {
      throw new ConfigError(fileVariable, `names "${path}", which is empty`);
    }
    resolved[name] = value;
  }
  return resolved;
}
