import type { Translator } from '../i18n/translator.js';
import type { CallNames } from './call-view.js';
import type { FaviconBadge } from './favicon-badge.js';

const FLASH_MS = 1000;
const VIBRATION_PATTERN = [600, 300, 600];
const VIBRATION_CYCLE_MS = 3000;
const NOTIFICATION_ICON = '/icons/icon-192.png';

/**
 * How a call reaches someone who is not looking at the tab: while it rings, the title flashes
 * "alice is calling…", the icon carries a dot, a phone vibrates and, in a background tab with
 * permission, a notification stays until the ringing ends (a click on it brings the tab
 * forward). A call that rang out unanswered leaves a count in the title and on the icon until
 * the user is back on the page.
 */
export class CallAlerts {
  private caller: string | undefined;
  private missed = 0;
  private flashOn = false;
  private flashTimer: number | undefined;
  private vibrationTimer: number | undefined;
  private notification: Notification | undefined;

  constructor(
    private readonly translator: Translator,
    private readonly badge: FaviconBadge,
    private readonly names: CallNames = {
      display: (username) => username,
      isContact: () => true,
      settled: () => Promise.resolve(),
    },
  ) {
    translator.onChange(() => this.render());
    const back = (): void => this.userIsBack();
    window.addEventListener('focus', back);
    document.addEventListener('pointerdown', back);
    document.addEventListener('keydown', back);
    this.render();
  }

  ringing(caller: string): void {
    this.stopRinging();
    this.caller = caller;
    this.flashOn = true;
    this.flashTimer = window.setInterval(() => {
      this.flashOn = !this.flashOn;
      this.render();
    }, FLASH_MS);
    this.vibrate();
    this.vibrationTimer = window.setInterval(() => this.vibrate(), VIBRATION_CYCLE_MS);
    // One notification, with the name once it is known (a stranger's needs the directory).
    void this.names.settled(caller).then(() => {
      if (this.caller === caller) {
        this.notify(caller);
      }
    });
    this.render();
  }

  /** A display name became known: the title uses it. */
  namesChanged(): void {
    this.render();
  }

  /** The ringing is over: answered, declined, or `missed` (rang out, cancelled, cut off). */
  stopRinging(missed = false): void {
    if (this.caller === undefined) {
      return;
    }
    this.caller = undefined;
    clearInterval(this.flashTimer);
    clearInterval(this.vibrationTimer);
    navigator.vibrate?.(0);
    this.notification?.close();
    this.notification = undefined;
    if (missed) {
      this.missed += 1;
    }
    this.render();
  }

  /**
   * A call missed without ringing this page (do-not-disturb rang no page): it counts as one that
   * rang out here does.
   */
  missedWithoutRinging(): void {
    this.missed += 1;
    this.render();
  }

  private userIsBack(): void {
    if (this.missed > 0 && document.visibilityState === 'visible') {
      this.missed = 0;
      this.render();
    }
  }

  private vibrate(): void {
    // Refused (returns false) before the user has touched the page, and absent on desktops.
    navigator.vibrate?.(VIBRATION_PATTERN);
  }

  private notify(caller: string): void {
    const inBackground = document.visibilityState === 'hidden' || !document.hasFocus();
    if (!('Notification' in window) || Notification.permission !== 'granted' || !inBackground) {
      return;
    }
    try {
      const notification = new Notification(this.translator.text({ key: 'incomingCall' }), {
        body: this.incomingText(caller),
        icon: NOTIFICATION_ICON,
        tag: 'dialtone-incoming-call',
        requireInteraction: true,
      });
      notification.onclick = () => {
        window.focus();
        notification.close();
      };
      this.notification = notification;
    } catch (error) {
      // Android Chrome allows notifications only from a service worker: vibration and sound remain.
      console.warn('no notification for the incoming call', error);
    }
  }

  /** "Bob Builder is calling you", and "Not in your contacts" for a stranger. */
  private incomingText(caller: string): string {
    const calling = this.translator.text({
      key: 'isCalling',
      values: { peer: this.names.display(caller) },
    });
    return this.names.isContact(caller) === false
      ? `${calling}\n${this.translator.text({ key: 'notInContacts' })}`
      : calling;
  }

  private render(): void {
    const ui = (key: 'pageTitle' | 'missedCallsOne'): string => this.translator.text({ key });
    const missedText =
      this.missed === 1
        ? ui('missedCallsOne')
        : this.translator.text({ key: 'missedCallsOther', values: { count: this.missed } });
    const resting = this.missed > 0 ? missedText : ui('pageTitle');
    if (this.caller !== undefined && this.flashOn) {
      document.title = this.translator.text({
        key: 'incomingTitle',
        values: { peer: this.names.display(this.caller) },
      });
    } else {
      document.title = `${resting} · Dialtone`;
    }
    if (this.caller !== undefined) {
      if (this.flashOn) {
        this.badge.show('');
      } else {
        this.badge.clear();
      }
    } else if (this.missed > 0) {
      this.badge.show(this.missed > 9 ? '9+' : String(this.missed));
    } else {
      this.badge.clear();
    }
  }
}
