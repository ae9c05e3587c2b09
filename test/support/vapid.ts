import { generateVapidKeys } from '../../src/config/vapid-keys.js';

/** A fresh VAPID identity as production reads it (VAPID_PUBLIC_KEY, _PRIVATE_KEY, _SUBJECT). */
export function vapidEnv(): Record<string, string> {
  const { publicKey, privateKey } = generateVapidKeys();
  return {
    VAPID_PUBLIC_KEY: publicKey,
    VAPID_PRIVATE_KEY: privateKey,
    VAPID_SUBJECT: 'mailto:ops@example.org',
  };
}
