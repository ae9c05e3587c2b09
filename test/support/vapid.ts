import { createECDH } from 'node:crypto';

/** A fresh VAPID identity as production reads it (VAPID_PUBLIC_KEY, _PRIVATE_KEY, _SUBJECT). */
export function vapidEnv(): Record<string, string> {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    VAPID_PUBLIC_KEY: ecdh.getPublicKey().toString('base64url'),
    VAPID_PRIVATE_KEY: ecdh.getPrivateKey().toString('base64url'),
    VAPID_SUBJECT: 'mailto:ops@example.org',
  };
}
