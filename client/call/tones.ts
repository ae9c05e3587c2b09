/** playing; blocked: the browser keeps sound off until the user touches the page; stopped. */
export type ToneState = 'playing' | 'blocked' | 'stopped';

/**
 * ring: a call is coming in (callee). ringback: the other side is ringing (caller). waiting:
 * another call comes in during a call (call waiting): short and soft, over the conversation.
 */
export type ToneKind = 'ring' | 'ringback' | 'waiting';

interface Pattern {
  frequenciesHz: number[];
  onSeconds: number;
  cycleMs: number;
  volume: number;
}

const PATTERNS: Record<ToneKind, Pattern> = {
  // A phone-like two-tone ring.
  ring: { frequenciesHz: [440, 480], onSeconds: 1.6, cycleMs: 4000, volume: 0.15 },
  // The European ringback (ETSI 425 Hz, 1 s on, 4 s off): what a caller hears while it rings.
  ringback: { frequenciesHz: [425], onSeconds: 1, cycleMs: 5000, volume: 0.08 },
  // The call-waiting beep (ETSI: 425 Hz, short): heard under the voices, never over them.
  waiting: { frequenciesHz: [425], onSeconds: 0.2, cycleMs: 3000, volume: 0.04 },
};

/** Chromium's AudioContext can play on a chosen speaker; not every browser's can. */
interface RoutableContext {
  setSinkId?(deviceId: string): Promise<void>;
}

/**
 * The call's sounds, made with Web Audio (no file to download), one at a time. Browsers refuse
 * sound until the user has interacted with the page; then the tone waits (state "blocked") and
 * starts on the first click or key press, and nothing throws. Stopping suspends the audio
 * context, which silences a tone mid-beep.
 */
export class Tones {
  private context: AudioContext | undefined;
  private timer: number | undefined;
  private playing: ToneKind | undefined;
  private sinkId = '';
  /** The new context is being sent to the chosen speaker: no beep until it is there. */
  private routing: Promise<void> | undefined;

  constructor(private readonly onState: (kind: ToneKind, state: ToneState) => void) {}

  /**
   * Plays the tones on the speaker the user chose (as the call is heard), where the browser can;
   * elsewhere they stay on the default output. A device that is gone rejects (see AudioOutput).
   */
  async setSinkId(deviceId: string): Promise<void> {
    this.sinkId = deviceId;
    await (this.context as RoutableContext | undefined)?.setSinkId?.(deviceId);
  }

  /** Plays `kind` (undefined: silence); playing the tone already playing changes nothing. */
  play(kind: ToneKind | undefined): void {
    if (kind === this.playing) {
      return;
    }
    this.stop();
    if (!kind) {
      return;
    }
    this.playing = kind;
    try {
      this.context ??= this.createContext();
    } catch {
      this.onState(kind, 'blocked'); // no audio output at all: the page still shows the call
      return;
    }
    const context = this.context;
    const unlock = (): void => void context.resume().catch(() => undefined);
    unlock();
    if (!navigator.userActivation.hasBeenActive) {
      document.addEventListener('pointerdown', unlock, { once: true });
      document.addEventListener('keydown', unlock, { once: true });
    }
    context.onstatechange = () => {
      this.report(kind, context);
      this.beep(kind); // unblocked: sound now rather than at the next cycle
    };
    this.report(kind, context);
    this.beep(kind);
    this.timer = window.setInterval(() => this.beep(kind), PATTERNS[kind].cycleMs);
  }

  private createContext(): AudioContext {
    const context = new AudioContext();
    const routable = context as RoutableContext;
    if (this.sinkId && routable.setSinkId) {
      // The first beep waits for the speaker; one that is gone leaves the default output.
      this.routing = routable
        .setSinkId(this.sinkId)
        .catch(() => undefined)
        .finally(() => {
          this.routing = undefined;
          if (this.playing) {
            this.beep(this.playing);
          }
        });
    }
    return context;
  }

  private stop(): void {
    const was = this.playing;
    this.playing = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.context) {
      this.context.onstatechange = null;
      void this.context.suspend().catch(() => undefined);
    }
    if (was) {
      this.onState(was, 'stopped');
    }
  }

  private report(kind: ToneKind, context: AudioContext): void {
    // resume() settles a moment later; a page the user has touched is allowed to play.
    const audible = context.state === 'running' || navigator.userActivation.hasBeenActive;
    this.onState(kind, audible ? 'playing' : 'blocked');
  }

  private beep(kind: ToneKind): void {
    const context = this.context;
    if (!context || context.state !== 'running' || this.playing !== kind || this.routing) {
      return; // still blocked: the next cycle tries again
    }
    const { frequenciesHz, onSeconds, volume } = PATTERNS[kind];
    const gain = context.createGain();
    const start = context.currentTime;
    gain.gain.setValueAtTime(volume, start);
    gain.gain.setValueAtTime(0, start + onSeconds);
    gain.connect(context.destination);
    for (const frequency of frequenciesHz) {
      const tone = context.createOscillator();
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start(start);
      tone.stop(start + onSeconds);
    }
  }
}
