import type { Translation } from '../../src/i18n/translation.js';
import { format } from '../../src/i18n/translation.js';
import type {
  CallEndedPushPayload,
  CallPushPayload,
  PushPayload,
} from '../../src/push/push-payload.js';

/** Long, short, long: a phone's ring, for devices that vibrate. */
const VIBRATION = [400, 200, 400, 200, 400];
const ICON = '/icons/icon-192.png';

/** What the notification carries for its click: the call it rings for. */
export type NotificationData = CallPushPayload | CallEndedPushPayload;

export function isPushPayload(value: unknown): value is PushPayload {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { type, callId } = value as { type?: unknown; callId?: unknown };
  return (type === 'call' || type === 'call_ended') && typeof callId === 'string';
}

/**
 * "Incoming call from Alice" with Accept and Decline; it stays until answered
 * (requireInteraction) and is replaced by the ring's end (same tag: the call id).
 */
export async function showIncomingCall(
  registration: ServiceWorkerRegistration,
  call: CallPushPayload,
  ui: Translation['ui'],
): Promise<void> {
  const name = call.from.displayName || `@${call.from.username}`;
  await registration.showNotification(format(ui.pushIncoming, { peer: name }), {
    body: format(ui.pushIncomingBody, { username: call.from.username }),
    tag: call.callId,
    requireInteraction: true,
    icon: ICON,
    badge: ICON,
    data: call,
    // Not in every lib.dom version: actions, vibrate and renotify are standard notification options.
    ...({
      renotify: true,
      vibrate: VIBRATION,
      actions: [
        { action: 'accept', title: ui.accept },
        { action: 'decline', title: ui.decline },
      ],
    } as NotificationOptions),
  });
}

/**
 * The ring ended: a call nobody answered becomes "Missed call from Alice"; one answered or
 * declined (here or on another device) just goes.
 */
export async function showRingEnded(
  registration: ServiceWorkerRegistration,
  ended: CallEndedPushPayload,
  ui: Translation['ui'],
): Promise<void> {
  const ringing = await registration.getNotifications({ tag: ended.callId });
  const call = ringing.map((n) => n.data as unknown).find(isCall);
  for (const notification of ringing) {
    notification.close();
  }
  if (ended.reason !== 'timeout' && ended.reason !== 'cancelled') {
    return;
  }
  const name = call ? call.from.displayName || `@${call.from.username}` : undefined;
  await registration.showNotification(
    name ? format(ui.pushMissed, { peer: name }) : ui.pushMissedUnknown,
    { tag: ended.callId, icon: ICON, badge: ICON, data: ended },
  );
}

function isCall(value: unknown): value is CallPushPayload {
  return isPushPayload(value) && value.type === 'call';
}

/** Where a click takes the user: Accept answers that call at once; anything else opens the page. */
export function pageFor(data: unknown, action: string): string {
  if (isCall(data) && action === 'accept') {
    return `/?answer=${encodeURIComponent(data.callId)}`;
  }
  return '/';
}

/** The call a notification's Decline declines, if it is a ringing call's. */
export function callToDecline(data: unknown, action: string): string | undefined {
  return isCall(data) && action === 'decline' ? data.callId : undefined;
}
