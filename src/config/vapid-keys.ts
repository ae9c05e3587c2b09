import { createECDH } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config-error.js';

const KEYS_FILE = 'vapid-keys.json';
/** Development only: push services accept any subject; production names a real contact. */
const DEVELOPMENT_SUBJECT = 'mailto:dialtone@localhost';
const GENERATE = 'generate a pair with: npx web-push generate-vapid-keys';
const CONTACT = 'a mailto: address or https: URL push services can reach you at';

/** The server's VAPID identity (RFC 8292): the push services see the public key and the subject. */
export interface VapidKeys {
  /** base64url, 65 bytes: the uncompressed P-256 point browsers take as `applicationServerKey`. */
  readonly publicKey: string;
  /** base64url, 32 bytes. */
  readonly privateKey: string;
  /** `mailto:` or `https:`: whom a push service contacts about this server. */
  readonly subject: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Production: VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY and VAPID_SUBJECT, the same on every instance
 * (a browser's subscription is bound to the public key). Development: a pair generated once into
 * the data folder, like the JWT secret, so that subscriptions survive a restart.
 */
export function vapidKeys(env: Env, production: boolean, dataDir: string): VapidKeys {
  const publicKey = env.VAPID_PUBLIC_KEY || undefined;
  const privateKey = env.VAPID_PRIVATE_KEY || undefined;
  const subject = env.VAPID_SUBJECT || undefined;
  if (!publicKey && !privateKey && !production) {
    return { ...developmentKeys(dataDir), subject: subject ?? DEVELOPMENT_SUBJECT };
  }
  if (production && !subject) {
    throw new ConfigError('VAPID_SUBJECT', `is required when NODE_ENV=production (${CONTACT})`);
  }
  if (!publicKey || !privateKey) {
    const missing = publicKey ? 'VAPID_PRIVATE_KEY' : 'VAPID_PUBLIC_KEY';
    throw new ConfigError(
      missing,
      production
        ? `is required when NODE_ENV=production (${GENERATE})`
        : `must be set together with the other VAPID key (${GENERATE})`,
    );
  }
  const keys = { publicKey, privateKey, subject: subject ?? DEVELOPMENT_SUBJECT };
  checkPair(keys);
  checkSubject(keys.subject);
  return keys;
}

function checkPair({ publicKey, privateKey }: VapidKeys): void {
  const publicBytes = base64url(publicKey);
  if (publicBytes?.length !== 65 || publicBytes[0] !== 4) {
    throw new ConfigError(
      'VAPID_PUBLIC_KEY',
      'must be an uncompressed P-256 public key, base64url (87 characters)',
    );
  }
  const privateBytes = base64url(privateKey);
  if (privateBytes?.length !== 32) {
    throw new ConfigError(
      'VAPID_PRIVATE_KEY',
      'must be a P-256 private key, base64url (43 characters)',
    );
  }
  let derived: Buffer;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(privateBytes);
    derived = ecdh.getPublicKey();
  } catch {
    throw new ConfigError('VAPID_PRIVATE_KEY', 'is not a valid P-256 private key');
  }
  if (!derived.equals(publicBytes)) {
    throw new ConfigError('VAPID_PUBLIC_KEY', 'does not belong to VAPID_PRIVATE_KEY');
  }
}

function checkSubject(subject: string): void {
  let url: URL | undefined;
  try {
    url = new URL(subject);
  } catch {
    url = undefined;
  }
  if (
    !url ||
    !['mailto:', 'https:'].includes(url.protocol) ||
    url.href.length <= url.protocol.length
  ) {
    throw new ConfigError(
      'VAPID_SUBJECT',
      `must be a mailto: address or an https: URL, got "${subject}"`,
    );
  }
}

/** Strict base64url (no padding), or undefined. */
function base64url(text: string): Buffer | undefined {
  return /^[A-Za-z0-9_-]+$/.test(text) ? Buffer.from(text, 'base64url') : undefined;
}

/** A new P-256 pair, base64url: the uncompressed public point and the private scalar. */
export function generateVapidKeys(): Omit<VapidKeys, 'subject'> {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return vapidKeysOf(ecdh.getPrivateKey());
}

/**
 * The VAPID pair of a P-256 private scalar. getPrivateKey() drops the scalar's leading zero bytes
 * (about one key in 256 has one): the private key is padded back to the 32 bytes VAPID and the
 * start-up check expect, or that key would stop the server.
 */
export function vapidKeysOf(scalar: Buffer): Omit<VapidKeys, 'subject'> {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(scalar);
  const padded = Buffer.concat([Buffer.alloc(Math.max(0, 32 - scalar.length)), scalar]);
  return {
    publicKey: ecdh.getPublicKey().toString('base64url'),
    privateKey: padded.toString('base64url'),
  };
}

function developmentKeys(dataDir: string): Omit<VapidKeys, 'subject'> {
  const path = join(dataDir, KEYS_FILE);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Omit<VapidKeys, 'subject'>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw error;
    }
  }
  const keys = generateVapidKeys();
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(path, JSON.stringify(keys), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process sharing the folder wrote its pair first: that one is the pair.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return JSON.parse(readFileSync(path, 'utf8')) as Omit<VapidKeys, 'subject'>;
    }
    throw error;
  }
  return keys;
}
