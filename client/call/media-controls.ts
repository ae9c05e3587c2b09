import type { LocalMedia } from '../media/local-media.js';
import type { MediaKind, PeerLink } from '../webrtc/peer-link.js';
import type { CallView } from './call-view.js';

export interface MediaControlsDeps {
  media: LocalMedia;
  view: CallView;
  currentLink(): PeerLink | undefined;
  /** What is sent changed (mute, camera on/off, a new device): the peer should be told. */
  changed(): void;
  /** The camera to switch to next, for the flip button; undefined when there is no other one. */
  nextCamera(currentDeviceId: string | undefined): string | undefined;
  /** Makes `deviceId` the chosen camera (the picker shows it, the choice is remembered). */
  chooseCamera(deviceId: string): void;
  /** While a screen is shared the camera's new track waits: it is sent when sharing stops. */
  sharingScreen(): boolean;
}

/** Mute, camera on/off, flip and device choice: they work before a call (as choices) and during one. */
export class MediaControls {
  constructor(private readonly deps: MediaControlsDeps) {}

  start(): void {
    const { view } = this.deps;
    this.show();
    view.muteButton.addEventListener('click', () => this.toggleMicrophone());
    view.cameraButton.addEventListener('click', () => this.toggleCamera());
    view.flipButton.addEventListener('click', () => this.flipCamera());
  }

  useDevice(kind: MediaKind, deviceId: string | undefined): void {
    this.deps.media.useDevice(kind, deviceId).catch((error: unknown) => {
      console.warn(`could not switch the ${kind} device`, error);
      this.deps.view.setMediaNotice({ key: kind === 'video' ? 'cameraFailed' : 'mediaMissing' });
    });
  }

  /** LocalMedia changed a track: send the new one (or nothing) and show it. */
  trackChanged(kind: MediaKind, track: MediaStreamTrack | null): void {
    if (kind === 'audio' || !this.deps.sharingScreen()) {
      this.deps
        .currentLink()
        ?.replaceTrack(kind, track)
        .catch((error: unknown) => console.warn(`could not send the new ${kind} track`, error));
    }
    this.deps.view.showLocal(undefined);
    this.deps.view.showLocal(this.deps.media.current);
    this.show();
  }

  /** Shows the current choices and what is really sent (after media opened or closed, too). */
  show(): void {
    const { media, view } = this.deps;
    view.setLocalMedia(
      { microphoneMuted: media.microphoneMuted, cameraOn: media.cameraOn },
      media.sending,
    );
  }

  toggleMicrophone(): boolean {
    const { media } = this.deps;
    media.setMicrophoneMuted(!media.microphoneMuted);
    this.show();
    this.deps.changed();
    return true;
  }

  toggleCamera(): boolean {
    if (this.deps.view.cameraButton.disabled) {
      return false; // no camera in this call: the shortcut does nothing either
    }
    void this.setCamera(!this.deps.media.cameraOn);
    return true;
  }

  private async setCamera(on: boolean): Promise<void> {
    const { media, view } = this.deps;
    try {
      const opening = media.setCameraOn(on);
      this.show(); // the label changes at once; the camera takes a moment
      await opening;
      view.setMediaNotice(undefined);
    } catch (error) {
      console.warn('could not turn the camera on', error);
      await media.setCameraOn(false);
      view.setMediaNotice({ key: 'cameraFailed' });
    }
    this.show();
    this.deps.changed();
  }

  private flipCamera(): void {
    const next = this.deps.nextCamera(this.deps.media.cameraSettings?.deviceId);
    if (next) {
      this.deps.chooseCamera(next);
    }
  }
}
