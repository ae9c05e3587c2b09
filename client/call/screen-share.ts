import type { PeerLink } from '../webrtc/peer-link.js';

export interface ScreenShareDeps {
  currentLink(): PeerLink | undefined;
  /** The camera's live track, sent again when sharing stops (null: the camera is off). */
  cameraTrack(): MediaStreamTrack | null;
  /** Sharing started or stopped: the button and the peer should be told. */
  changed(): void;
  /** The browser refused or the user cancelled the picker in a way that is not a plain "no". */
  failed(error: unknown): void;
}

/**
 * Sends a screen, window or tab in place of the camera on the same video sender (replaceTrack):
 * no new call and no renegotiation. The browser's own "Stop sharing" ends the track, which
 * brings the camera back exactly like the page's button.
 */
export class ScreenShare {
  private track: MediaStreamTrack | undefined;

  constructor(private readonly deps: ScreenShareDeps) {}

  /** Phones (and browsers without the API) cannot share a screen: the button stays hidden. */
  static get supported(): boolean {
    return typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  }

  /** The shared screen's track while sharing. */
  get screen(): MediaStreamTrack | undefined {
    return this.track;
  }

  get sharing(): boolean {
    return this.track !== undefined;
  }

  async toggle(): Promise<void> {
    if (this.track) {
      await this.stop();
    } else {
      await this.start();
    }
  }

  /** The call ended: the shared track is stopped (the browser's sharing bar goes away). */
  end(): void {
    const track = this.track;
    this.track = undefined;
    track?.stop();
  }

  private async start(): Promise<void> {
    const link = this.deps.currentLink();
    if (!link) {
      return;
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch (error) {
      // Closing the browser's picker is a NotAllowedError: a choice, not a failure to report.
      if (!(error instanceof DOMException && error.name === 'NotAllowedError')) {
        this.deps.failed(error);
      }
      return;
    }
    const [track] = stream.getVideoTracks();
    if (this.deps.currentLink() !== link) {
      track.stop(); // the call ended while the picker was open
      return;
    }
    this.track = track;
    track.addEventListener('ended', () => {
      if (this.track === track) {
        void this.stop();
      }
    });
    try {
      await link.replaceTrack('video', track);
    } catch (error) {
      this.end();
      this.deps.failed(error);
    }
    this.deps.changed();
  }

  private async stop(): Promise<void> {
    this.end();
    try {
      await this.deps.currentLink()?.replaceTrack('video', this.deps.cameraTrack());
    } catch (error) {
      this.deps.failed(error);
    }
    this.deps.changed();
  }
}
