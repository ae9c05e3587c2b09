// Init scripts that take devices away from a page (Chromium's fake devices are always there).

interface MediaDevicesWindow {
  navigator: { mediaDevices: { getUserMedia(constraints: { video?: unknown }): Promise<unknown> } };
}

/** The user (or a policy) refuses camera and microphone. */
export function withCaptureBlocked(): void {
  const devices = (globalThis as unknown as MediaDevicesWindow).navigator.mediaDevices;
  devices.getUserMedia = () =>
    Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
}

/** Init scripts come as functions, or as source text (for the ones made with an argument). */
export type InitScript = string | (() => void);

/** Every request for video fails with `errorName`; audio alone still works. */
function refuseVideo(errorName: string, message: string): void {
  const devices = (globalThis as unknown as MediaDevicesWindow).navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) =>
    constraints.video
      ? Promise.reject(new DOMException(message, errorName))
      : getUserMedia(constraints);
}

function refusingVideo(errorName: string, message: string): InitScript {
  return `(${refuseVideo.toString()})(${JSON.stringify(errorName)}, ${JSON.stringify(message)});`;
}

/** A computer with a microphone but no camera: any request for video finds no device. */
export const withoutCamera = refusingVideo('NotFoundError', 'Requested device not found');

/**
 * The camera is blocked for the site (the microphone is allowed): video requests are refused the
 * way a browser refuses them. The permission state itself is set for real, through DevTools.
 */
export const withCameraRefused = refusingVideo('NotAllowedError', 'Permission denied');
