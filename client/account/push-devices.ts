import type { Locale } from '../../src/i18n/locale.js';
import type { PushDeviceDto } from '../../src/push/dto/push-subscription.dto.js';
import { element } from '../contacts/element.js';
import { privacyText } from '../contacts/privacy-text.js';
import { getJson, sendJson } from '../http.js';

/**
 * The account page's "Devices that ring": each browser subscribed to Web Push (a short name for
 * its User-Agent, when it was added and last used) with Remove.
 */
export class PushDevices {
  constructor(
    private readonly list: HTMLUListElement,
    private readonly status: HTMLElement,
    private readonly locale: Locale,
  ) {}

  async refresh(): Promise<void> {
    let devices: PushDeviceDto[];
    try {
      devices = await getJson<PushDeviceDto[]>('/push/subscriptions');
    } catch {
      this.status.textContent = privacyText(this.locale, 'devicesUnavailable');
      return;
    }
    this.status.textContent = devices.length === 0 ? privacyText(this.locale, 'devicesEmpty') : '';
    this.list.replaceChildren(...devices.map((device) => this.item(device)));
  }

  private item(device: PushDeviceDto): HTMLLIElement {
    const name = browserName(device.userAgent);
    const remove = element('button', {
      type: 'button',
      class: 'small',
      text: privacyText(this.locale, 'deviceRemove'),
      'aria-label': `${privacyText(this.locale, 'deviceRemove')}: ${name}`,
    });
    remove.addEventListener('click', () => {
      remove.disabled = true;
      void sendJson('DELETE', `/push/subscriptions/${encodeURIComponent(device.id)}`).then(() =>
        this.refresh(),
      );
    });
    const when = [
      privacyText(this.locale, 'deviceAdded', { date: this.date(device.createdAt) }),
      privacyText(this.locale, 'deviceLastUsed', { date: this.date(device.lastUsedAt) }),
    ].join(', ');
    return element(
      'li',
      { class: 'push-device' },
      element('span', { text: name }),
      ' ',
      element('span', { class: 'hint', text: when }),
      ' ',
      remove,
    );
  }

  private date(iso: string): string {
    return new Date(iso).toLocaleDateString(this.locale, { dateStyle: 'medium' });
  }
}

const BROWSERS: readonly [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrome\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];
const SYSTEMS: readonly [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X/, 'macOS'],
  [/Linux/, 'Linux'],
];

/** "Firefox · Linux" from a User-Agent; its start when no browser is recognised. */
export function browserName(userAgent: string): string {
  const browser = BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(userAgent))?.[1];
  if (!browser) {
    return userAgent.slice(0, 60) || '?';
  }
  return system ? `${browser} · ${system}` : browser;
}
