import type { VideoModes } from './call-view.js';

/**
 * Full screen (the whole call area: the stage with the self-view and labels, and the controls
 * under it, so mute and hang up stay at hand) and picture-in-picture (the remote video floats over
 * other tabs and apps while the call goes on). Pressing again, or the same shortcut, leaves either;
 * `changed` hears every change, however it came (the browser's own Escape too).
 */
export class VideoButtons {
  constructor(
    private readonly callArea: HTMLElement,
    private readonly remoteVideo: HTMLVideoElement,
    changed: (modes: VideoModes) => void,
  ) {
    const report = (): void =>
      changed({
        fullscreen: document.fullscreenElement === callArea,
        pictureInPicture: document.pictureInPictureElement === remoteVideo,
      });
    document.addEventListener('fullscreenchange', report);
    remoteVideo.addEventListener('enterpictureinpicture', report);
    remoteVideo.addEventListener('leavepictureinpicture', report);
  }

  toggleFullscreen(): boolean {
    if (!document.fullscreenEnabled || !this.remoteVideo.srcObject) {
      return false; // no call on screen: the shortcut does nothing
    }
    const change = document.fullscreenElement
      ? document.exitFullscreen()
      : this.callArea.requestFullscreen();
    change.catch((error: unknown) => console.warn('full screen refused', error));
    return true;
  }

  togglePictureInPicture(): boolean {
    if (!document.pictureInPictureEnabled || !this.remoteVideo.srcObject) {
      return false;
    }
    const change: Promise<unknown> = document.pictureInPictureElement
      ? document.exitPictureInPicture()
      : this.remoteVideo.requestPictureInPicture();
    change.catch((error: unknown) => console.warn('picture-in-picture refused', error));
    return true;
  }
}
