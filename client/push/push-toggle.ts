import type { UiKey } from '../../src/i18n/translation.js';
import type { VapidPublicKeyDto } from '../../src/push/dto/push-subscription.dto.js';
import { getJson, sendJson } from '../http.js';
import type { Translator } from '../i18n/translator.js';

/** What the switch shows: on, off, blocked by the browser, or impossible here. */
export type PushState = 'on' | 'off' | 'blocked' | 'unsupported';

const HINTS: Record<PushState, UiKey> = {
  on: 'pushOn',
  off: 'pushOff',
  blocked: 'pushBlocked',
  unsupported: 'pushUnsupported',
};

/**
 * "Ring this device when Dialtone is closed": subscribes this browser to Web Push and gives the
 * subscription to the server. The browser's permission prompt comes only from a click on the
 * switch, never on load. Plain-http: LAN addresses have no service worker or push at all, which
 * the switch says instead of failing.
 */
export class PushToggle {
  private state: PushState = 'unsupported';

  constructor(
    private readonly checkbox: HTMLInputElement,
    private readonly hint: HTMLElement,
    private readonly translator: Translator,
    private readonly registration: Promise<ServiceWorkerRegistration> | undefined,
    /** This browser's subscription was registered (its endpoint) or removed (null). */
    private readonly subscriptionChanged: (endpoint: string | null) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    this.checkbox.addEventListener('change', () => void this.switched());
    await this.refresh().catch(() => this.show('off'));
  }

  /** Reads the state from the browser; a live subscription is handed to the server again. */
  private async refresh(): Promise<void> {
    const registration = await this.ready();
    if (!registration) {
      return this.show('unsupported');
    }
    if (Notification.permission === 'denied') {
      return this.show('blocked');
    }
    const subscription = await registration.pushManager.getSubscription();
    if (subscription && Notification.permission === 'granted') {
      // The server may have dropped it (another account took the browser, a limit): re-register.
      await sendJson('POST', '/push/subscriptions', subscription.toJSON());
      return this.show('on');
    }
    this.show('off');
  }

  private async switched(): Promise<void> {
    const registration = await this.ready();
    if (!registration) {
      return this.show('unsupported');
    }
    this.checkbox.disabled = true;
    try {
      if (this.checkbox.checked) {
        await this.turnOn(registration);
      } else {
        await this.turnOff(registration);
      }
    } catch (error) {
      this.show(this.state, String(error instanceof Error ? error.message : error));
    }
  }

  private async turnOn(registration: ServiceWorkerRegistration): Promise<void> {
    // From the click: the only place the browser's prompt may appear.
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') {
      return this.show(permission === 'denied' ? 'blocked' : 'off');
    }
    const { publicKey } = await getJson<VapidPublicKeyDto>('/push/vapid-public-key');
    const subscription =
      (await registration.pushManager.getSubscription()) ??
      (await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: base64UrlBytes(publicKey),
      }));
    const reply = await sendJson<{ message?: string }>(
      'POST',
      '/push/subscriptions',
      subscription.toJSON(),
    );
    if (!reply.ok) {
      await subscription.unsubscribe();
      throw new Error(reply.body?.message ?? `HTTP ${reply.status}`);
    }
    this.subscriptionChanged(subscription.endpoint);
    this.show('on');
  }

  private async turnOff(registration: ServiceWorkerRegistration): Promise<void> {
    const subscription = await registration.pushManager.getSubscription();
    if (subscription) {
      await sendJson('DELETE', '/push/subscriptions', { endpoint: subscription.endpoint });
      await subscription.unsubscribe();
      this.subscriptionChanged(null);
    }
    this.show('off');
  }

  /** The registration, or undefined where this page cannot have push. */
  private async ready(): Promise<ServiceWorkerRegistration | undefined> {
    if (!this.registration || !('PushManager' in window) || !('Notification' in window)) {
      return undefined;
    }
    try {
      await this.registration;
      return await navigator.serviceWorker.ready;
    } catch {
      return undefined;
    }
  }

  private show(state: PushState, failure?: string): void {
    this.state = state;
    this.checkbox.checked = state === 'on';
    this.checkbox.disabled = state === 'unsupported' || state === 'blocked';
    this.checkbox.closest('.check')?.setAttribute('data-push-state', state);
    if (failure) {
      delete this.hint.dataset.i18n;
      this.hint.textContent = this.translator.text({
        key: 'pushFailed',
        values: { reason: failure },
      });
      return;
    }
    this.hint.dataset.i18n = HINTS[state]; // relabelled after a language switch
    this.hint.textContent = this.translator.text({ key: HINTS[state] });
  }
}

/** applicationServerKey wants the key's bytes; the server hands it out as base64url. */
function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
