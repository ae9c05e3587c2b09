import { Injectable } from '@nestjs/common';
import {
  type AccountEventMessage,
  type ContactMessage,
  type ContactSummary,
  SYSTEM_USER,
} from '../signaling/protocol.js';

/**
 * The seam between contacts and the sockets: the contacts feature publishes what a user's pages
 * should hear, the signaling gateway delivers it to that user's sessions. In-process here
 * (LocalContactEvents); with REDIS_URL published on the bus, so that whichever instance holds the
 * user's sockets delivers (SignalingEngine.contactEvents; test/contact-events.contract.e2e-spec.ts
 * holds both to one behaviour). A call missed under do-not-disturb (`missed_call`) takes the same
 * path: one way for account events to reach pages, on either engine.
 */
export abstract class ContactEvents {
  abstract publish(message: AccountEventMessage): void;
  abstract subscribe(listener: (message: AccountEventMessage) => void): void;
}

@Injectable()
export class LocalContactEvents implements ContactEvents {
  private readonly listeners: ((message: AccountEventMessage) => void)[] = [];

  publish(message: AccountEventMessage): void {
    for (const listener of this.listeners) {
      listener(message);
    }
  }

  subscribe(listener: (message: AccountEventMessage) => void): void {
    this.listeners.push(listener);
  }
}

const envelope = (to: string) => ({ fromUser: SYSTEM_USER, toUser: to });

/** The contact events, each addressed to the username `to` (see protocol.ts). */
export const contactEvent = {
  request: (to: string, contact: ContactSummary): ContactMessage => ({
    ...envelope(to),
    type: 'contact_request',
    contact: { username: contact.username, displayName: contact.displayName },
  }),
  accepted: (to: string, contact: ContactSummary, online: boolean): ContactMessage => ({
    ...envelope(to),
    type: 'contact_accepted',
    contact: { username: contact.username, displayName: contact.displayName, online },
  }),
  removed: (to: string, username: string): ContactMessage => ({
    ...envelope(to),
    type: 'contact_removed',
    contact: { username },
  }),
  renamed: (to: string, contact: ContactSummary): ContactMessage => ({
    ...envelope(to),
    type: 'contact_renamed',
    contact: { username: contact.username, displayName: contact.displayName },
  }),
  presence: (to: string, username: string, online: boolean): ContactMessage => ({
    ...envelope(to),
    type: online ? 'contact_online' : 'contact_offline',
    contact: { username },
  }),
};

/** `missed_call` (see protocol.ts), addressed to the callee `to`. */
export function missedCall(
  to: string,
  call: { callId: string; peer: string },
): AccountEventMessage {
  return { ...envelope(to), type: 'missed_call', ...call };
}
