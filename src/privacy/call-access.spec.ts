import { describe, expect, it } from '@jest/globals';
import { callAccess } from './call-access.js';
import { doNotDisturbActive, type PrivacySettings } from './privacy-settings.js';

const NOW = new Date(Date.UTC(2025, 5, 1, 12));
const OPEN: PrivacySettings = {
  whoCanRing: 'everyone',
  doNotDisturb: false,
  doNotDisturbUntil: null,
};
const STRANGER = { contacts: false, blockedByCallee: false };
const CONTACT = { contacts: true, blockedByCallee: false };

describe('callAccess', () => {
  it('rings by default, for contacts and strangers alike', () => {
    expect(callAccess(OPEN, STRANGER, NOW)).toBe('ring');
    expect(callAccess(OPEN, CONTACT, NOW)).toBe('ring');
  });

  it('refuses strangers when only contacts may ring', () => {
    const contactsOnly: PrivacySettings = { ...OPEN, whoCanRing: 'contacts' };
    expect(callAccess(contactsOnly, STRANGER, NOW)).toBe('refused');
    expect(callAccess(contactsOnly, CONTACT, NOW)).toBe('ring');
  });

  it('refuses a blocked caller whatever else holds, even a contact, even during do-not-disturb', () => {
    const blocked = { contacts: true, blockedByCallee: true };
    for (const settings of [
      OPEN,
      { ...OPEN, whoCanRing: 'contacts' as const },
      { ...OPEN, doNotDisturb: true },
    ]) {
      expect(callAccess(settings, blocked, NOW)).toBe('refused');
    }
  });

  it('mutes allowed calls during do-not-disturb; strangers it refuses learn nothing of it', () => {
    const dnd: PrivacySettings = { ...OPEN, doNotDisturb: true };
    expect(callAccess(dnd, STRANGER, NOW)).toBe('do_not_disturb');
    expect(callAccess(dnd, CONTACT, NOW)).toBe('do_not_disturb');
    expect(callAccess({ ...dnd, whoCanRing: 'contacts' }, STRANGER, NOW)).toBe('refused');
  });

  it('ends do-not-disturb at its end time', () => {
    const until = (ms: number): PrivacySettings => ({
      ...OPEN,
      doNotDisturb: true,
      doNotDisturbUntil: new Date(NOW.getTime() + ms),
    });
    expect(doNotDisturbActive(until(1), NOW)).toBe(true);
    expect(doNotDisturbActive(until(0), NOW)).toBe(false);
    expect(callAccess(until(60_000), CONTACT, NOW)).toBe('do_not_disturb');
    expect(callAccess(until(-1), CONTACT, NOW)).toBe('ring');
    // An end time means nothing while the switch is off.
    expect(doNotDisturbActive({ ...until(60_000), doNotDisturb: false }, NOW)).toBe(false);
  });
});
