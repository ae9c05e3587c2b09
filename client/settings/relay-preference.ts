import type { UiKey } from '../../src/i18n/translation.js';
import type { Translator } from '../i18n/translator.js';

const STORAGE_KEY = 'dialtone.relayOnly';

/**
 * "Relay my calls through the TURN server" (iceTransportPolicy "relay"): the peer then sees only
 * the TURN server's address, never this device's. Remembered per browser; without a TURN server
 * the switch is disabled and says why.
 */
export class RelayPreference {
  constructor(
    private readonly checkbox: HTMLInputElement,
    private readonly hint: HTMLElement,
    private readonly translator: Translator,
  ) {}

  get enabled(): boolean {
    return !this.checkbox.disabled && this.checkbox.checked;
  }

  start(turnAvailable: boolean): void {
    this.checkbox.disabled = !turnAvailable;
    this.checkbox.checked = turnAvailable && localStorage.getItem(STORAGE_KEY) === '1';
    const hint: UiKey = turnAvailable ? 'relayHint' : 'relayUnavailable';
    this.hint.dataset.i18n = hint; // the translator relabels it after a language switch
    this.hint.textContent = this.translator.text({ key: hint });
    this.checkbox.addEventListener('change', () => {
      localStorage.setItem(STORAGE_KEY, this.checkbox.checked ? '1' : '0');
    });
  }
}
