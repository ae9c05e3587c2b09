/**
 * Shows how loud the microphone is, live, in a <meter> (0 silent – 1 loud): the camera check's
 * proof that the right microphone is picking up sound.
 */
export class LevelMeter {
  private context: AudioContext | undefined;
  private frame: number | undefined;

  constructor(private readonly meter: HTMLMeterElement) {}

  start(stream: MediaStream): void {
    this.stop();
    if (stream.getAudioTracks().length === 0) {
      return;
    }
    const context = new AudioContext();
    this.context = context;
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const draw = (): void => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) {
        sum += sample * sample;
      }
      // RMS, scaled so that speech at a normal distance fills about half of the meter.
      this.meter.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      this.frame = requestAnimationFrame(draw);
    };
    void context.resume().catch(() => undefined);
    draw();
  }

  stop(): void {
    if (this.frame !== undefined) {
      cancelAnimationFrame(this.frame);
      this.frame = undefined;
    }
    void this.context?.close().catch(() => undefined);
    this.context = undefined;
    this.meter.value = 0;
  }
}
