import type { Translator } from '../i18n/translator.js';
import type { MediaKind } from '../webrtc/peer-link.js';

/** What a picker chooses: the microphone, the camera, or the speaker (audio output). */
export type PickerKind = MediaKind | 'output';

const DEVICE_KIND: Record<PickerKind, MediaDeviceKind> = {
  audio: 'audioinput',
  video: 'videoinput',
  output: 'audiooutput',
};
const LABEL_KEY = { audio: 'microphone', video: 'camera', output: 'speaker' } as const;
const storageKey = (kind: PickerKind): string => `dialtone.device.${kind}`;

/** The menus: the speaker's only where the browser can choose one (`setSinkId`). */
export type PickerSelects = Record<MediaKind, HTMLSelectElement> & { output?: HTMLSelectElement };

/**
 * The camera, microphone and speaker pickers: filled from enumerateDevices, kept current on
 * devicechange, the choice remembered per browser. Device names appear once the user has allowed
 * capture. A remembered device that is not there shows as Default and stays remembered, so it is
 * chosen again when it comes back.
 */
export class DevicePickers {
  private cameras: string[] = [];
  private readonly kinds: PickerKind[];

  constructor(
    private readonly selects: PickerSelects,
    private readonly translator: Translator,
    private readonly onPick: (kind: PickerKind, deviceId: string | undefined) => void,
    /** How many cameras there are (a phone's front and back count as two). */
    private readonly camerasFound: (count: number) => void,
  ) {
    this.kinds = selects.output ? ['audio', 'video', 'output'] : ['audio', 'video'];
  }

  start(): void {
    for (const kind of this.kinds) {
      const saved = localStorage.getItem(storageKey(kind)) ?? undefined;
      if (saved) {
        this.onPick(kind, saved);
      }
      const select = this.select(kind);
      select.addEventListener('change', () => this.pick(kind, select.value || undefined));
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
  choose(kind: PickerKind, deviceId: string): void {
    this.select(kind).value = deviceId;
    this.pick(kind, deviceId);
  }

  async refresh(): Promise<void> {
    const devices = (await navigator.mediaDevices?.enumerateDevices()) ?? [];
    for (const kind of this.kinds) {
      // Before capture is allowed, browsers list anonymous placeholders with no id: skip those.
      const found = devices.filter((d) => d.kind === DEVICE_KIND[kind] && d.deviceId !== '');
      this.fill(kind, found);
    }
    this.cameras = devices
      .filter((device) => device.kind === 'videoinput' && device.deviceId !== '')
      .map((device) => device.deviceId);
    this.camerasFound(this.cameras.length);
  }

  private select(kind: PickerKind): HTMLSelectElement {
    const select = this.selects[kind];
    if (!select) {
      throw new Error(`no ${kind} picker on this page`);
    }
    return select;
  }

  private pick(kind: PickerKind, deviceId: string | undefined): void {
    if (deviceId) {
      localStorage.setItem(storageKey(kind), deviceId);
    } else {
      localStorage.removeItem(storageKey(kind));
    }
    this.onPick(kind, deviceId);
  }

  private fill(kind: PickerKind, devices: MediaDeviceInfo[]): void {
    const select = this.select(kind);
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
