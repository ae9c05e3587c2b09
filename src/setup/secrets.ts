import { createECDH, generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createOnce } from './files.js';

/** The generated secrets, by file name, with the environment variable that overrides each. */
export const SECRETS = {
  jwt_secret: { variable: 'JWT_SECRET', make: () => randomBytes(32).toString('hex') },
  turn_secret: { variable: 'TURN_SECRET', make: () => randomBytes(32).toString('hex') },
  // Hex: it goes into a postgres:// URL and psql prompts without any escaping.
  postgres_password: { variable: 'POSTGRES_PASSWORD', make: () => randomBytes(24).toString('hex') },
  metrics_token: { variable: 'METRICS_TOKEN', make: () => randomBytes(24).toString('hex') },
  // Web Push (VAPID): a P-256 private key, base64url of the 32-byte scalar, as web-push's
  // generateVAPIDKeys() gives it. The public key is derived from it (vapidPublicKey).
  vapid_private_key: { variable: 'VAPID_PRIVATE_KEY', make: () => newVapidPrivateKey() },
} as const;

export type SecretName = keyof typeof SECRETS;

function newVapidPrivateKey(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const d = privateKey.export({ format: 'jwk' }).d;
  if (d === undefined) {
    throw new Error('the P-256 key has no private scalar');
  }
  return d;
}

/** The uncompressed P-256 public point (65 bytes) of a VAPID private key, base64url. */
export function vapidPublicKey(privateKey: string): string {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(privateKey, 'base64url'));
  return ecdh.getPublicKey().toString('base64url');
}

export interface GeneratedSecrets {
  values: Record<SecretName, string>;
  /** The names created by this run (the others were kept as they were). */
  created: SecretName[];
}

/**
 * Every secret of the deployment in `dir`, one file each (mode 0600): generated the first time,
 * then read back unchanged on every later run, an upgrade included.
 */
export function ensureSecrets(dir: string): GeneratedSecrets {
  const values = {} as Record<SecretName, string>;
  const created: SecretName[] = [];
  for (const name of Object.keys(SECRETS) as SecretName[]) {
    const result = createOnce(join(dir, name), SECRETS[name].make);
    values[name] = result.value;
    if (result.created) {
      created.push(name);
    }
  }
  return { values, created };
}
