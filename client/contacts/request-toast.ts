import type { ListedAccountDto } from '../../src/contacts/dto/contact.dto.js';
import { byId } from '../dom.js';
import type { Translator } from '../i18n/translator.js';

/**
 * "Carol wants to be your contact. Show / Dismiss": a contact request that arrives while the page
 * is open is said at once, wherever the contacts panel is scrolled (on a phone it may be below the
 * fold). It stays until dismissed or shown; it is not a dialog, so it takes no focus.
 */
export class RequestToast {
  private readonly toast = byId('request-toast', HTMLElement);
  private readonly text = byId('request-toast-text', HTMLElement);
  private readonly announce = byId('request-announce', HTMLElement);
  private from: ListedAccountDto | undefined;

  constructor(
    private readonly translator: Translator,
    show: () => void,
  ) {
    byId('request-toast-show', HTMLButtonElement).addEventListener('click', () => {
      this.hide();
      show();
    });
    byId('request-toast-close', HTMLButtonElement).addEventListener('click', () => this.hide());
    translator.onChange(() => this.render());
  }

  arrived(from: ListedAccountDto): void {
    this.from = from;
    this.toast.hidden = false;
    this.render();
    this.announce.textContent = this.text.textContent;
  }

  private hide(): void {
    this.from = undefined;
    this.toast.hidden = true;
    this.announce.textContent = '';
  }

  private render(): void {
    this.text.textContent = this.from
      ? this.translator.text({ key: 'requestToast', values: { name: this.from.displayName } })
      : '';
  }
}
