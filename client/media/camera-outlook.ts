import type { CameraOutlook } from '../call/call-view.js';

/**
 * Whether answering with video can work, found out without opening anything (which would need
 * a permission prompt while the call rings): a camera this site is blocked from, or no camera.
 */
export async function cameraOutlook(): Promise<CameraOutlook> {
  try {
    const permission = await navigator.permissions.query({ name: 'camera' });
    if (permission.state === 'denied') {
      return 'blocked';
    }
  } catch {
    // Firefox and older Safari cannot be asked about the camera: the device list still tells.
  }
  const devices = (await navigator.mediaDevices?.enumerateDevices()) ?? [];
  return devices.some((device) => device.kind === 'videoinput') ? 'available' : 'missing';
}
