import type { LocalMedia } from '../media/local-media.js';
import type { MediaKind, PeerLink } from '../webrtc/peer-link.js';
import type { CallView } from './call-view.js';

/** Mute, camera on/off and device choice: they work before a call (as choices) and during one. */
export class MediaControls {
  constructor(
    private readonly media: LocalMedia,
    private readonly view: CallView,
    private readonly currentLink: () => PeerLink | undefined,
  ) {}

  start(): void {
    this.view.setMicrophoneMuted(this.media.microphoneMuted);
    this.view.setCameraOn(this.media.cameraOn);
    this.view.muteButton.addEventListener('click', () => this.toggleMicrophone());
    this.view.cameraButton.addEventListener('click', () => void this.toggleCamera());
  }

  useDevice(kind: MediaKind, deviceId: string | undefined): void {
    this.media.useDevice(kind, deviceId).catch((error: unknown) => {
      console.warn(`could not switch the ${kind} device`, error);
      this.view.setMediaNotice({ key: kind === 'video' ? 'cameraFailed' : 'mediaMissing' });
    });
  }

  /** LocalMedia changed a track: send the new one (or nothing) and show it. */
  trackChanged(kind: MediaKind, track: MediaStreamTrack | null): void {
    this.currentLink()
      ?.replaceTrack(kind, track)
      .catch((error: unknown) => console.warn(`could not send the new ${kind} track`, error));
    this.view.showLocal(undefined);
    this.view.showLocal(this.media.current);
  }

  private toggleMicrophone(): void {
    this.media.setMicrophoneMuted(!this.media.microphoneMuted);
    this.view.setMicrophoneMuted(this.media.microphoneMuted);
  }

  private async toggleCamera(): Promise<void> {
    const on = !this.media.cameraOn;
    this.view.setCameraOn(on);
    try {
      await this.media.setCameraOn(on);
      this.view.setMediaNotice(undefined);
    } catch (error) {
      console.warn('could not turn the camera on', error);
      await this.media.setCameraOn(false);
      this.view.setCameraOn(false);
      this.view.setMediaNotice({ key: 'cameraFailed' });
    }
  }
}
