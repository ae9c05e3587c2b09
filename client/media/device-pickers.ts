import type { Translator } from '../i18n/translator.js';
import type { MediaKind } from '../webrtc/peer-link.js';

const DEVICE_KIND: Record<MediaKind, MediaDeviceKind> = {
  audio: 'audioinput',
  video: 'videoinput',
};
const LABEL_KEY = { audio: 'microphone', video: 'camera' } as const;
const storageKey = (kind: MediaKind): string => `dialtone.device.${kind}`;

/**
 * The camera and microphone pickers: filled from enumerateDevices, kept current on devicechange,
 * the choice remembered per browser. Device names appear once the user has allowed capture.
 */
export class DevicePickers {
  private cameras: string[] = [];

  constructor(
    private readonly selects: Record<MediaKind, HTMLSelectElement>,
    private readonly translator: Translator,
    private readonly onPick: (kind: MediaKind, deviceId: string | undefined) => void,
    /** How many cameras there are (a phone's front and back count as two). */
    private readonly camerasFound: (count: number) => void,
  ) {}

  start(): void {
    for (const kind of ['audio', 'video'] as const) {
      const saved = localStorage.getItem(storageKey(kind)) ?? undefined;
      if (saved) {
        this.onPick(kind, saved);
      }
      this.selects[kind].addEventListener('change', () =>
        this.pick(kind, this.selects[kind].value || undefined),
      );
    }
    navigator.mediaDevices?.addEventListener('devicechange', () => void this.refresh());
    this.translator.onChange(() => void this.refresh());
    void this.refresh();
  }

  /** The camera after `current` in the list, going round; undefined with fewer than two. */
  nextCamera(current: string | undefined): string | undefined {
    if (this.cameras.length < 2) {
      return undefined;
    }
    const index = this.cameras.indexOf(current ?? '');
    return this.cameras[(index + 1) % this.cameras.length];
  }

  /** Picks a device as if the user had chosen it in the menu (the flip button does this). */
  choose(kind: MediaKind, deviceId: string): void {
    this.selects[kind].value = deviceId;
    this.pick(kind, deviceId);
  }

  async refresh(): Promise<void> {
    const devices = (await navigator.mediaDevices?.enumerateDevices()) ?? [];
    for (const kind of ['audio', 'video'] as const) {
      // Before capture is allowed, browsers list anonymous placeholders with no id: skip those.
      const found = devices.filter((d) => d.kind === DEVICE_KIND[kind] && d.deviceId !== '');
      this.fill(kind, found);
    }
    this.cameras = devices
      .filter((device) => device.kind === 'videoinput' && device.deviceId !== '')
      .map((device) => device.deviceId);
    this.camerasFound(this.cameras.length);
  }

  private pick(kind: MediaKind, deviceId: string | undefined): void {
    if (deviceId) {
      localStorage.setItem(storageKey(kind), deviceId);
    } else {
      localStorage.removeItem(storageKey(kind));
    }
    this.onPick(kind, deviceId);
  }

  private fill(kind: MediaKind, devices: MediaDeviceInfo[]): void {
    const select = this.selects[kind];
    const chosen = select.value || localStorage.getItem(storageKey(kind)) || '';
    const options = [new Option(this.translator.text({ key: 'defaultDevice' }), '')];
    devices.forEach((device, index) => {
      const name = this.translator.text({ key: LABEL_KEY[kind] });
      options.push(new Option(device.label || `${name} ${index + 1}`, device.deviceId));
    });
    select.replaceChildren(...options);
    select.value = devices.some((device) => device.deviceId === chosen) ? chosen : '';
  }
}
