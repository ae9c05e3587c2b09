/** Who may ring an account: anyone with an account (the default), or only its contacts. */
export type WhoCanRing = 'everyone' | 'contacts';
export const WHO_CAN_RING: readonly WhoCanRing[] = ['everyone', 'contacts'];

/** An account's privacy settings as stored. */
export interface PrivacySettings {
  whoCanRing: WhoCanRing;
  doNotDisturb: boolean;
  /** When do-not-disturb ends by itself; null keeps it on until it is switched off. */
  doNotDisturbUntil: Date | null;
}

/** Do-not-disturb is on and has not run out. */
export function doNotDisturbActive(settings: PrivacySettings, now: Date): boolean {
  return (
    settings.doNotDisturb &&
    (settings.doNotDisturbUntil === null ||
      new Date(settings.doNotDisturbUntil).getTime() > now.getTime())
  );
}
