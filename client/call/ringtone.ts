/** playing; blocked: the browser keeps sound off until the user touches the page; stopped. */
export type RingtoneState = 'playing' | 'blocked' | 'stopped';

const TONES_HZ = [440, 480];
const RING_SECONDS = 1.6;
const CYCLE_MS = 4000;
const VOLUME = 0.15;

/**
 * A phone-like two-tone ring made with Web Audio: no file to download. Browsers refuse sound
 * until the user has interacted with the page; then the ring waits (state "blocked") and starts
 * on the first click or key press, and nothing throws.
 */
export class Ringtone {
  private context: AudioContext | undefined;
  private timer: number | undefined;
  private ringing = false;

  constructor(private readonly onState: (state: RingtoneState) => void) {}

  start(): void {
    if (this.ringing) {
      return;
    }
    this.ringing = true;
    try {
      this.context ??= new AudioContext();
    } catch {
      this.onState('blocked'); // no audio output at all: the panel still shows
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
      this.report(context);
      this.ring(); // unblocked: ring now rather than at the next cycle
    };
    this.report(context);
    this.ring();
    this.timer = window.setInterval(() => this.ring(), CYCLE_MS);
  }

  stop(): void {
    this.ringing = false;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.context) {
      this.context.onstatechange = null;
      void this.context.suspend().catch(() => undefined);
    }
    this.onState('stopped');
  }

  private report(context: AudioContext): void {
    // resume() settles a moment later; a page the user has touched is allowed to play.
    const audible = context.state === 'running' || navigator.userActivation.hasBeenActive;
    this.onState(audible ? 'playing' : 'blocked');
  }

  private ring(): void {
    const context = this.context;
    if (!context || context.state !== 'running') {
      return; // still blocked: the next cycle tries again
    }
    const gain = context.createGain();
    const start = context.currentTime;
    gain.gain.setValueAtTime(VOLUME, start);
    gain.gain.setValueAtTime(0, start + RING_SECONDS);
    gain.connect(context.destination);
    for (const frequency of TONES_HZ) {
      const tone = context.createOscillator();
      tone.frequency.value = frequency;
      tone.connect(gain);
      tone.start(start);
      tone.stop(start + RING_SECONDS);
    }
  }
}
