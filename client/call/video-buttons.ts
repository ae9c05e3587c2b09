/**
 * Full screen (the whole stage, so the self-view and labels stay on it) and picture-in-picture
 * (the remote video floats over other tabs and apps while the call goes on). Pressing again, or
 * the same shortcut, leaves either.
 */
export class VideoButtons {
  constructor(
    private readonly stage: HTMLElement,
    private readonly remoteVideo: HTMLVideoElement,
  ) {}

  toggleFullscreen(): boolean {
    if (!document.fullscreenEnabled || !this.remoteVideo.srcObject) {
      return false; // no call on screen: the shortcut does nothing
    }
    const change = document.fullscreenElement
      ? document.exitFullscreen()
      : this.stage.requestFullscreen();
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
