import type { MediaKind } from '../webrtc/peer-link.js';

/** Why no media could be captured: the user (or policy) said no, or there is nothing to capture. */
export type MediaProblem = 'denied' | 'missing';

export class MediaUnavailable extends Error {
  constructor(readonly problem: MediaProblem) {
    super(`no camera or microphone could be opened (${problem})`);
  }
}

/** The browser's clean-up of the microphone's sound, both on unless the user turns them off. */
export interface VoiceProcessing {
  noiseSuppression: boolean;
  echoCancellation: boolean;
}

interface MediaChoices {
  cameraOn: boolean;
  microphoneMuted: boolean;
  deviceIds: Partial<Record<MediaKind, string>>;
  voice: VoiceProcessing;
}

/** Tells the call which track now carries a kind (null: nothing, e.g. the camera was turned off). */
export type TrackListener = (kind: MediaKind, track: MediaStreamTrack | null) => void;

/** What this side is sending right now, as the peer is told (`media_state`). */
export interface SendingState {
  audio: boolean;
  video: boolean;
}

/**
 * The camera and microphone for one call (or camera check) at a time. Opening falls back to audio
 * only when there is no usable camera; turning the camera off stops its track, so the camera light
 * really goes out.
 */
export class LocalMedia {
  private stream: MediaStream | undefined;
  private cameraMissing = false;
  private opening: Promise<{ cameraMissing: boolean }> | undefined;
  /** The voice processing change in progress (they are applied in order). */
  private voiceChange: Promise<unknown> = Promise.resolve();
  /** Counts stop()s, so that devices that finish opening after a stop are closed at once. */
  private generation = 0;
  private readonly choices: MediaChoices = {
    cameraOn: true,
    microphoneMuted: false,
    deviceIds: {},
    voice: { noiseSuppression: true, echoCancellation: true },
  };

  constructor(private readonly onTrack: TrackListener) {}

  get current(): MediaStream | undefined {
    return this.stream;
  }

  get cameraOn(): boolean {
    return this.choices.cameraOn;
  }

  get microphoneMuted(): boolean {
    return this.choices.microphoneMuted;
  }

  /** The camera being captured (its deviceId, and facingMode on phones), if any. */
  get cameraSettings(): MediaTrackSettings | undefined {
    return this.stream?.getVideoTracks()[0]?.getSettings();
  }

  /** Whether a live microphone (unmuted) and a live camera are being captured. */
  get sending(): SendingState {
    const live = (kind: MediaKind): boolean =>
      this.stream?.getTracks().some((t) => t.kind === kind && t.readyState === 'live') ?? false;
    return { audio: live('audio') && !this.choices.microphoneMuted, video: live('video') };
  }

  /**
   * Opens what the choices ask for, or keeps what is already open (a camera check hands its
   * devices over to the call). Resolves with whether the camera was wanted but missing.
   */
  async open(): Promise<{ cameraMissing: boolean }> {
    if (this.stream) {
      return { cameraMissing: this.cameraMissing };
    }
    // A call that starts while the camera check is still opening the devices waits for them.
    this.opening ??= this.capture().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async capture(): Promise<{ cameraMissing: boolean }> {
    const generation = this.generation;
    // Both, else whichever of the two works; a camera the user turned off stays off.
    const attempts: MediaKind[][] = this.choices.cameraOn
      ? [['audio', 'video'], ['audio'], ['video']]
      : [['audio']];
    let firstError: unknown;
    for (const kinds of attempts) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia(this.constraints(kinds));
        if (generation !== this.generation) {
          stream.getTracks().forEach((track) => track.stop()); // stopped while opening
          return { cameraMissing: false };
        }
        this.stream = stream;
        this.applyMute();
        this.cameraMissing = this.choices.cameraOn && !kinds.includes('video');
        return { cameraMissing: this.cameraMissing };
      } catch (error) {
        firstError ??= error;
      }
    }
    throw new MediaUnavailable(problemOf(firstError));
  }

  setMicrophoneMuted(muted: boolean): void {
    this.choices.microphoneMuted = muted;
    this.applyMute();
  }

  /** Off: stops the camera track. On: opens the camera again and hands its track to the call. */
  async setCameraOn(on: boolean): Promise<void> {
    this.choices.cameraOn = on;
    if (!this.stream) {
      return;
    }
    if (on) {
      await this.reopen('video');
    } else {
      this.drop('video');
    }
  }

  /** Another camera or microphone; takes effect at once when that kind is being captured. */
  async useDevice(kind: MediaKind, deviceId: string | undefined): Promise<void> {
    this.choices.deviceIds[kind] = deviceId;
    if (this.stream?.getTracks().some((track) => track.kind === kind)) {
      await this.reopen(kind);
    }
  }

  /**
   * Changes noise suppression and echo cancellation, during a call too: the next microphone opens
   * with them, and the live one (if any) is first asked to change in place (`applyConstraints`,
   * the same track goes on being sent). A browser that accepts the request but keeps its settings
   * (Chromium applies these only when a microphone opens) gets the microphone reopened with them
   * and the new track handed to the call (`replaceTrack`: nothing is renegotiated; the peer
   * misses a fraction of a second of sound). Resolves with whether the live microphone now works
   * as asked (true when there is none). Changes run one after another, so a quick second click
   * never opens a second microphone.
   */
  setVoiceProcessing(voice: VoiceProcessing): Promise<boolean> {
    this.choices.voice = { ...voice };
    const change = this.voiceChange.then(() => this.applyVoice(voice));
    this.voiceChange = change.catch(() => undefined);
    return change;
  }

  private async applyVoice(voice: VoiceProcessing): Promise<boolean> {
    const tracks = this.liveMicrophones();
    await Promise.all(
      tracks.map((track) => track.applyConstraints({ ...track.getConstraints(), ...voice })),
    );
    if (!this.voiceApplied() && this.liveMicrophones().length > 0) {
      await this.reopen('audio');
    }
    return this.voiceApplied();
  }

  /** Whether every live microphone processes its sound as chosen (true with none). */
  voiceApplied(): boolean {
    const { voice } = this.choices;
    return this.liveMicrophones().every((track) => {
      const settings = track.getSettings();
      // A browser that does not report a setting is taken at its word (applyConstraints resolved).
      const same = (key: keyof VoiceProcessing): boolean =>
        settings[key] === undefined || settings[key] === voice[key];
      return same('noiseSuppression') && same('echoCancellation');
    });
  }

  /** Stops every track; the next call opens fresh ones. */
  stop(): void {
    for (const track of this.stream?.getTracks() ?? []) {
      track.stop();
    }
    this.stream = undefined;
    this.generation += 1;
  }

  private async reopen(kind: MediaKind): Promise<void> {
    // Stop the old track first: many phones cannot open two cameras at once.
    this.drop(kind);
    const opened = await navigator.mediaDevices.getUserMedia(this.constraints([kind]));
    const [track] = opened.getTracks();
    if (!this.stream || (kind === 'video' && !this.choices.cameraOn)) {
      track.stop(); // the call ended, or the camera was turned off again, while this was opening
      return;
    }
    this.stream.addTrack(track);
    this.applyMute();
    this.onTrack(kind, track);
  }

  private drop(kind: MediaKind): void {
    for (const track of this.stream?.getTracks() ?? []) {
      if (track.kind === kind) {
        track.stop();
        this.stream?.removeTrack(track);
        this.onTrack(kind, null);
      }
    }
  }

  private liveMicrophones(): MediaStreamTrack[] {
    return (this.stream?.getAudioTracks() ?? []).filter((track) => track.readyState === 'live');
  }

  private applyMute(): void {
    for (const track of this.stream?.getAudioTracks() ?? []) {
      track.enabled = !this.choices.microphoneMuted;
    }
  }

  private constraints(kinds: readonly MediaKind[]): MediaStreamConstraints {
    const constraintFor = (kind: MediaKind): MediaTrackConstraints | boolean => {
      if (!kinds.includes(kind)) {
        return false;
      }
      const deviceId = this.choices.deviceIds[kind];
      // "ideal", not "exact": a remembered device that is gone falls back to another one.
      const device = deviceId ? { deviceId: { ideal: deviceId } } : {};
      return kind === 'audio' ? { ...device, ...this.choices.voice } : device;
    };
    return { audio: constraintFor('audio'), video: constraintFor('video') };
  }
}

function problemOf(error: unknown): MediaProblem {
  const name = error instanceof DOMException ? error.name : '';
  return name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'missing';
}
