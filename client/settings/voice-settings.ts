import type { LocalMedia, VoiceProcessing } from '../media/local-media.js';

const STORAGE_KEY = 'dialtone.voice';

/** What was remembered; anything missing or unreadable is on, the browsers' own default. */
function remembered(): VoiceProcessing {
  let saved: Partial<Record<keyof VoiceProcessing, unknown>> = {};
  try {
    saved = (JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') ?? {}) as typeof saved;
  } catch {
    // a value written by hand: the defaults
  }
  return {
    noiseSuppression: saved.noiseSuppression !== false,
    echoCancellation: saved.echoCancellation !== false,
  };
}

/**
 * The "Noise suppression" and "Echo cancellation" switches (checkboxes), remembered per browser.
 * A change reaches the live microphone at once (LocalMedia.setVoiceProcessing). Should the
 * browser still not apply it, a hint says it takes effect from the next call, and goes once that
 * is no longer so.
 */
export class VoiceSettings {
  constructor(
    private readonly boxes: Record<keyof VoiceProcessing, HTMLInputElement>,
    private readonly nextCallHint: HTMLElement,
    private readonly media: LocalMedia,
  ) {}

  start(): void {
    const voice = remembered();
    this.boxes.noiseSuppression.checked = voice.noiseSuppression;
    this.boxes.echoCancellation.checked = voice.echoCancellation;
    void this.media.setVoiceProcessing(voice); // nothing is open yet: the choice for the next call
    for (const box of Object.values(this.boxes)) {
      box.addEventListener('change', () => void this.changed());
    }
  }

  /** The microphone opened or closed: the hint is true only while a live one differs. */
  mediaChanged(): void {
    this.nextCallHint.hidden = this.media.voiceApplied();
  }

  private async changed(): Promise<void> {
    const voice: VoiceProcessing = {
      noiseSuppression: this.boxes.noiseSuppression.checked,
      echoCancellation: this.boxes.echoCancellation.checked,
    };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(voice));
    try {
      this.nextCallHint.hidden = await this.media.setVoiceProcessing(voice);
    } catch (error) {
      // OverconstrainedError: this microphone cannot; the next one opened is asked again.
      console.warn('the microphone kept its processing', error);
      this.nextCallHint.hidden = false;
    }
  }
}
