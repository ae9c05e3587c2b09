/** Something that plays sound and can be sent to a chosen speaker: a media element, the tones. */
export interface AudioSink {
  setSinkId(deviceId: string): Promise<void>;
}

/**
 * The speaker the call is heard on (`setSinkId`; where the browser has none, the page offers no
 * choice and the system decides). A chosen device that is gone (unplugged, or not listed before
 * capture is allowed) falls back to the default output without an error, and is tried again
 * whenever the devices change.
 */
export class AudioOutput {
  private wanted = '';

  constructor(private readonly sinks: readonly AudioSink[]) {}

  static get supported(): boolean {
    return 'setSinkId' in HTMLMediaElement.prototype;
  }

  start(): void {
    navigator.mediaDevices?.addEventListener('devicechange', () => void this.apply());
  }

  /** undefined: the system's default output. */
  use(deviceId: string | undefined): Promise<void> {
    this.wanted = deviceId ?? '';
    return this.apply();
  }

  /** Sends every sink to the wanted device again (e.g. once capture allowed listing devices). */
  async apply(): Promise<void> {
    await Promise.all(this.sinks.map((sink) => route(sink, this.wanted)));
  }
}

async function route(sink: AudioSink, deviceId: string): Promise<void> {
  try {
    await sink.setSinkId(deviceId);
  } catch {
    // NotFoundError (gone) or NotAllowedError (not listed yet): the default output, quietly.
    await sink.setSinkId('').catch(() => undefined);
  }
}
