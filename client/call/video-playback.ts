/**
 * Shows streams in <video> elements and starts them. Some browsers refuse to start playback
 * without a tap (Android WebView's user-gesture policy, for one): then a "Tap to start video and
 * sound" control appears, and its click, a user gesture, starts every refused video.
 */
export class VideoPlayback {
  private readonly refused = new Set<HTMLVideoElement>();

  constructor(private readonly tapButton: HTMLButtonElement) {
    tapButton.addEventListener('click', () => {
      // play() is called within the click itself, which is what the policy asks for.
      for (const video of this.refused) {
        void this.start(video);
      }
    });
  }

  show(video: HTMLVideoElement, stream: MediaStream | undefined): void {
    if (video.srcObject !== (stream ?? null)) {
      video.srcObject = stream ?? null;
    }
    if (stream) {
      void this.start(video);
    } else {
      this.settle(video, true);
    }
  }

  private async start(video: HTMLVideoElement): Promise<void> {
    try {
      await video.play();
      this.settle(video, true);
    } catch (error) {
      // AbortError: a newer stream replaced this one while it was starting; nothing is wrong.
      if (error instanceof DOMException && error.name === 'NotAllowedError') {
        this.settle(video, false);
      }
    }
  }

  private settle(video: HTMLVideoElement, playing: boolean): void {
    if (playing) {
      this.refused.delete(video);
    } else {
      this.refused.add(video);
    }
    this.tapButton.hidden = this.refused.size === 0;
  }
}
