import { sharePath } from '../../src/pages/share-path.js';
import type { Translator } from '../i18n/translator.js';

/**
 * "Share my link": the address of this account's share page (/u/<username>), handed to the
 * system share sheet where the browser has one (phones), else copied, and shown either way.
 */
export function startShareLink(
  button: HTMLButtonElement,
  status: HTMLElement,
  username: string,
  translator: Translator,
): void {
  const link = `${location.origin}${sharePath(username)}`;
  button.addEventListener('click', () => void share());

  async function share(): Promise<void> {
    const data = { title: translator.text({ key: 'shareLinkTitle' }), url: link };
    if (typeof navigator.share === 'function' && navigator.canShare?.(data) !== false) {
      try {
        await navigator.share(data);
        return;
      } catch (error) {
        if (error instanceof DOMException && error.name === 'AbortError') {
          return; // the person closed the share sheet
        }
      }
    }
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // No clipboard (an insecure origin, or refused): the link is shown, to copy by hand.
    }
    status.textContent = translator.text({ key: 'shareLinkCopied', values: { link } });
  }
}
