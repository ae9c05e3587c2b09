import type { Sentence } from '../i18n/translator.js';
import { LevelMeter } from './level-meter.js';
import { type LocalMedia, MediaUnavailable } from './local-media.js';

export interface CameraCheckView {
  setCameraCheck(on: boolean): void;
  showLocal(stream: MediaStream | undefined): void;
  setMediaNotice(sentence: Sentence | undefined): void;
}

/**
 * "Check camera" on the idle page: shows the self-view and the microphone's level before any
 * call, so that a blocked or wrong device is found before a call needs it. A call that starts
 * meanwhile takes the open devices over; stopping the check closes them (the camera light goes out).
 */
export class CameraCheck {
  private on = false;
  private readonly level: LevelMeter;

  constructor(
    private readonly media: LocalMedia,
    private readonly view: CameraCheckView,
    meter: HTMLMeterElement,
    /** Capture was allowed: device names can now be listed. */
    private readonly opened: () => void,
  ) {
    this.level = new LevelMeter(meter);
  }

  get active(): boolean {
    return this.on;
  }

  async toggle(): Promise<void> {
    if (this.on) {
      this.stop();
      return;
    }
    this.on = true;
    this.view.setCameraCheck(true);
    this.view.setMediaNotice(undefined);
    try {
      const { cameraMissing } = await this.media.open();
      const stream = this.media.current;
      if (!this.on || !stream) {
        return; // stopped, or taken over by a call, while the devices were opening
      }
      this.view.showLocal(stream);
      this.view.setMediaNotice(cameraMissing ? { key: 'cameraMissingIncoming' } : undefined);
      this.level.start(stream);
      this.opened();
    } catch (error) {
      this.end();
      const denied = error instanceof MediaUnavailable && error.problem === 'denied';
      this.view.setMediaNotice({ key: denied ? 'mediaDenied' : 'mediaMissing' });
    }
  }

  /** The devices were swapped (camera on/off, another microphone): measure the new ones. */
  tracksChanged(): void {
    const stream = this.media.current;
    if (this.on && stream) {
      this.level.start(stream);
    }
  }

  /** A call starts: it keeps the devices open; only the check's own display ends. */
  handOver(): void {
    if (this.on) {
      this.end();
    }
  }

  stop(): void {
    if (this.on) {
      this.end();
      this.media.stop();
      this.view.showLocal(undefined);
    }
  }

  private end(): void {
    this.on = false;
    this.level.stop();
    this.view.setCameraCheck(false);
  }
}
