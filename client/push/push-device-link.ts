import type { PushDeviceRequest } from '../../src/signaling/protocol.js';

/**
 * Tells the server which subscribed browser this page runs in (push_device, issue 21): while the
 * page is connected, a call rings here and not also by push on this browser (it would ring
 * twice). Sent after every `welcome` (a new session knows nothing) and whenever the switch
 * subscribes or unsubscribes this browser.
 */
export class PushDeviceLink {
  constructor(
    private readonly send: (message: PushDeviceRequest) => boolean,
    private readonly registration: Promise<ServiceWorkerRegistration> | undefined,
  ) {}

  /** A new session: names this browser's subscription, if it has one. */
  async welcomed(): Promise<void> {
    const endpoint = await this.currentEndpoint();
    if (endpoint !== null) {
      this.send({ type: 'push_device', endpoint });
    }
  }

  /** The switch subscribed (an endpoint) or unsubscribed (null) this browser. */
  changed(endpoint: string | null): void {
    this.send({ type: 'push_device', endpoint });
  }

  private async currentEndpoint(): Promise<string | null> {
    if (!this.registration || !('PushManager' in window)) {
      return null;
    }
    try {
      const subscription = await (await this.registration).pushManager.getSubscription();
      return subscription?.endpoint ?? null;
    } catch {
      return null; // no service worker here (plain-http LAN): nothing rings this browser by push
    }
  }
}
