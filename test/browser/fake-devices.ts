// Init scripts that take devices away from a page (Chromium's fake devices are always there).

interface MediaDevicesWindow {
  navigator: { mediaDevices: { getUserMedia(constraints: { video?: unknown }): Promise<unknown> } };
}

/** A computer with a microphone but no camera: any request for video finds no device. */
export function withoutCamera(): void {
  const devices = (globalThis as unknown as MediaDevicesWindow).navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) =>
    constraints.video
      ? Promise.reject(new DOMException('Requested device not found', 'NotFoundError'))
      : getUserMedia(constraints);
}

/** The user (or a policy) refuses camera and microphone. */
export function withCaptureBlocked(): void {
  const devices = (globalThis as unknown as MediaDevicesWindow).navigator.mediaDevices;
  devices.getUserMedia = () =>
    Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
}
