const DISMISSED_KEY = 'dialtone.notificationOfferDismissed';

/**
 * Offers notifications for incoming calls, saying why, and asks the browser for permission only
 * when the user clicks "Turn on notifications": never on page load, when a prompt out of nowhere
 * is what people learn to block. Shown while the browser has no answer yet and the user has not
 * said "Not now" in this browser.
 */
export function startNotificationOffer(
  panel: HTMLElement,
  turnOn: HTMLButtonElement,
  notNow: HTMLButtonElement,
  /** The panel is gone, and the button that had the focus with it. */
  closed: (panel: HTMLElement) => void,
): void {
  const undecided = 'Notification' in window && Notification.permission === 'default';
  panel.hidden = !undecided || localStorage.getItem(DISMISSED_KEY) === '1';
  turnOn.addEventListener('click', () => {
    panel.hidden = true;
    closed(panel);
    void Notification.requestPermission().catch(() => undefined);
  });
  notNow.addEventListener('click', () => {
    panel.hidden = true;
    closed(panel);
    localStorage.setItem(DISMISSED_KEY, '1');
  });
}
