const STORAGE_KEY = 'dialtone.startMedia';

/** What every call starts with; a call's own mute or camera-off ends with that call. */
export interface StartMedia {
  microphone: boolean;
  camera: boolean;
}

/**
 * "Start calls with my microphone on" and "… camera on" (checkboxes, on by default), remembered
 * per browser.
 */
export class StartMediaPreference {
  constructor(
    private readonly boxes: Record<keyof StartMedia, HTMLInputElement>,
    private readonly changed: (choice: StartMedia) => void,
  ) {}

  get current(): StartMedia {
    return { microphone: this.boxes.microphone.checked, camera: this.boxes.camera.checked };
  }

  start(): void {
    const saved = remembered();
    this.boxes.microphone.checked = saved.microphone;
    this.boxes.camera.checked = saved.camera;
    for (const box of Object.values(this.boxes)) {
      box.addEventListener('change', () => {
        try {
          localStorage.setItem(STORAGE_KEY, JSON.stringify(this.current));
        } catch {
          // Storage forbidden: the choice holds for this page.
        }
        this.changed(this.current);
      });
    }
  }
}

/** Anything missing or unreadable is on. */
function remembered(): StartMedia {
  let saved: Partial<Record<keyof StartMedia, unknown>> = {};
  try {
    saved = (JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') ?? {}) as typeof saved;
  } catch {
    // a value written by hand: the defaults
  }
  return { microphone: saved.microphone !== false, camera: saved.camera !== false };
}
