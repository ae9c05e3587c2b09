import type { UiKey } from '../../src/i18n/translation.js';
import { byId } from '../dom.js';
import type { Sentence, Translator } from '../i18n/translator.js';
import type { SendingState } from '../media/local-media.js';
import type { ConnectionState } from '../signaling/signaling-client.js';
import { formatCallDuration } from './duration.js';
import { SHORTCUTS, type Shortcut } from './shortcuts.js';
import type { ToneKind, ToneState } from './tones.js';
import { VideoPlayback } from './video-playback.js';

/** Where the call is, from this page's side. Also exposed as `data-call-state` for CSS and tests. */
export type CallPhase = 'idle' | 'calling' | 'ringing' | 'incoming' | 'connecting' | 'connected';

/** What the callee's camera can do, known before answering. */
export type CameraOutlook = 'available' | 'blocked' | 'missing';

/** What the peer said it sends (`media_state`): `screen` while its video is a shared screen. */
export interface PeerMedia {
  peer: string;
  audio: boolean;
  video: boolean;
  screen?: boolean;
}

export interface VideoModes {
  fullscreen: boolean;
  pictureInPicture: boolean;
}

/** Display names as CallView needs them (PeerNames). */
export interface CallNames {
  display(username: string): string;
  isContact(username: string): boolean | undefined;
  /** Resolves once the name is known, or its lookup is over. */
  settled(username: string): Promise<void>;
}

/** Up to two initials of a display name ("Bob Builder" → "BB", "张伟" → "张"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words.slice(0, 1);
  return letters
    .map((word) => [...word][0] ?? '')
    .join('')
    .toLocaleUpperCase();
}

/** A stable hue (0–359) for a username, so that each person keeps their colour. */
export function hueOf(username: string): number {
  let hash = 0;
  for (const char of username) {
    hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 360;
  }
  return hash;
}

/** Rendered and wholly inside the window. */
function inView(element: HTMLElement): boolean {
  const box = element.getBoundingClientRect();
  return (
    box.width > 0 &&
    box.height > 0 &&
    box.top >= 0 &&
    box.left >= 0 &&
    box.bottom <= window.innerHeight &&
    box.right <= window.innerWidth
  );
}

/** A button whose label says what pressing it does, with its shortcut in the title. */
interface LabelledButton {
  button: HTMLButtonElement;
  label: UiKey;
  shortcut?: Shortcut;
}

/** Everything on the page that shows the call; it decides nothing. */
export class CallView {
  readonly friendInput = byId('friend', HTMLInputElement);
  readonly callButton = byId('call-button', HTMLButtonElement);
  readonly hangUpButton = byId('hangup-button', HTMLButtonElement);
  readonly acceptButton = byId('accept-button', HTMLButtonElement);
  readonly acceptAudioButton = byId('accept-audio-button', HTMLButtonElement);
  readonly rejectButton = byId('reject-button', HTMLButtonElement);
  /** Call waiting: end the current call and take the one waiting. */
  readonly switchButton = byId('switch-button', HTMLButtonElement);
  readonly waitingDeclineButton = byId('waiting-decline-button', HTMLButtonElement);
  readonly muteButton = byId('mute-button', HTMLButtonElement);
  readonly cameraButton = byId('camera-button', HTMLButtonElement);
  readonly flipButton = byId('flip-button', HTMLButtonElement);
  readonly shareButton = byId('share-button', HTMLButtonElement);
  readonly fullscreenButton = byId('fullscreen-button', HTMLButtonElement);
  readonly pictureInPictureButton = byId('pip-button', HTMLButtonElement);
  readonly stage = byId('stage', HTMLElement);
  readonly remoteVideo = byId('remote-video', HTMLVideoElement);
  readonly checkCameraButton = byId('check-camera-button', HTMLButtonElement);
  readonly microphoneLevel = byId('microphone-level', HTMLMeterElement);
  private readonly root = byId('call-page', HTMLElement);
  private readonly callArea = byId('call-area', HTMLElement);
  private readonly statusText = byId('status-text', HTMLElement);
  private readonly timerText = byId('call-timer', HTMLElement);
  private readonly localVideo = byId('local-video', HTMLVideoElement);
  private readonly incomingPanel = byId('incoming', HTMLElement);
  private readonly incomingCaller = byId('incoming-caller', HTMLElement);
  private readonly incomingCamera = byId('incoming-camera', HTMLElement);
  private readonly incomingKeys = byId('incoming-keys', HTMLElement);
  private readonly incomingJoin = byId('incoming-join', HTMLElement);
  private readonly incomingHandle = byId('incoming-handle', HTMLElement);
  private readonly waitingPanel = byId('waiting', HTMLElement);
  private readonly waitingCaller = byId('waiting-caller', HTMLElement);
  /** Who calls while this page is in a call (call waiting), if anyone. */
  private waitingPeer: string | undefined;
  private readonly peerTile = byId('peer-tile', HTMLElement);
  private readonly peerAvatar = byId('peer-avatar', HTMLElement);
  private readonly peerTileName = byId('peer-tile-name', HTMLElement);
  private readonly peerTileMuted = byId('peer-tile-muted', HTMLElement);
  /** Display names for usernames (the username until one is known). */
  private names: CallNames = {
    display: (username) => username,
    isContact: () => true,
    settled: () => Promise.resolve(),
  };
  private readonly ringtoneHint = byId('ringtone-hint', HTMLElement);
  private readonly mediaNotice = byId('media-notice', HTMLElement);
  private readonly peerMedia = byId('peer-media', HTMLElement);
  private readonly microphoneBadge = byId('microphone-off-badge', HTMLElement);
  private readonly cameraBadge = byId('camera-off-badge', HTMLElement);
  private readonly presentingBadge = byId('presenting-badge', HTMLElement);
  private readonly statusLine = byId('status', HTMLElement);
  /** What the self-view shows when no screen is shared: the camera (and microphone) stream. */
  private localStream: MediaStream | undefined;
  private sharedScreen: MediaStreamTrack | undefined;
  private readonly playback = new VideoPlayback(byId('play-button', HTMLButtonElement));

  private phase: CallPhase = 'idle';
  private online = false;
  private status: Sentence = { key: 'statusConnecting' };
  private reconnecting = false;
  private incomingPeer = '';
  private cameraOutlook: CameraOutlook = 'available';
  /** What accepting the incoming call will send, as the choices stand. */
  private joinWith = { microphone: true, camera: true };
  private notice: Sentence | undefined;
  private peerState: PeerMedia | undefined;
  private screenShareSupported = false;
  private timer: number | undefined;
  private readonly buttons: Record<
    'mute' | 'camera' | 'check' | 'share' | 'fullscreen' | 'pip',
    LabelledButton
  >;

  constructor(private readonly translator: Translator) {
    this.buttons = {
      mute: { button: this.muteButton, label: 'muteMicrophone', shortcut: SHORTCUTS.microphone },
      camera: { button: this.cameraButton, label: 'turnCameraOff', shortcut: SHORTCUTS.camera },
      check: { button: this.checkCameraButton, label: 'checkCamera' },
      share: { button: this.shareButton, label: 'shareScreen' },
      fullscreen: {
        button: this.fullscreenButton,
        label: 'fullScreen',
        shortcut: SHORTCUTS.fullscreen,
      },
      pip: {
        button: this.pictureInPictureButton,
        label: 'pictureInPicture',
        shortcut: SHORTCUTS.pictureInPicture,
      },
    };
    this.acceptButton.setAttribute('aria-keyshortcuts', SHORTCUTS.accept.keys);
    this.rejectButton.setAttribute('aria-keyshortcuts', SHORTCUTS.reject.keys);
    translator.onChange(() => this.render());
    this.render();
    // On a phone the overlays over the video stop above the controls, however tall they are.
    const callBar = byId('call-bar', HTMLElement);
    new ResizeObserver(() =>
      this.root.style.setProperty('--call-bar-height', `${callBar.offsetHeight}px`),
    ).observe(callBar);
  }

  setPhase(phase: CallPhase): void {
    this.phase = phase;
    this.root.dataset.callState = phase;
    this.incomingPanel.hidden = phase !== 'incoming';
    if (phase === 'connected') {
      this.startTimer();
    } else {
      this.stopTimer();
    }
    if (phase === 'idle') {
      this.setPeerMedia(undefined);
    }
    this.updateButtons();
  }

  setStatus(sentence: Sentence): void {
    this.status = sentence;
    this.statusText.textContent = this.translator.text(
      this.reconnecting ? { key: 'statusReconnectingCall' } : this.named(sentence),
    );
  }

  /** Where display names come from; everything shown is rendered again when they change. */
  useNames(names: CallNames): void {
    this.names = names;
    this.render();
  }

  /** Names became known: the status line, the incoming panel and the overlays use them. */
  namesChanged(): void {
    this.render();
  }

  /** The sentence with its `{peer}` (a username) shown as the person's display name. */
  private named(sentence: Sentence): Sentence {
    const peer = sentence.values?.peer;
    const values =
      typeof peer === 'string'
        ? { ...sentence.values, peer: this.names.display(peer) }
        : sentence.values;
    if ('code' in sentence) {
      return { ...sentence, values };
    }
    return { ...sentence, values, reason: sentence.reason && this.named(sentence.reason) };
  }

  /**
   * While this page or the peer is away from the server, the status line (a live region, so it
   * is announced) says "Reconnecting…"; the call's own status returns when both are back.
   */
  setReconnecting(reconnecting: boolean): void {
    if (reconnecting !== this.reconnecting) {
      this.reconnecting = reconnecting;
      this.root.dataset.reconnecting = String(reconnecting);
      this.setStatus(this.status);
    }
  }

  /** A note about this device's camera or microphone, beside the call status (undefined clears). */
  setMediaNotice(sentence: Sentence | undefined): void {
    this.notice = sentence;
    this.mediaNotice.textContent = sentence ? this.translator.text(sentence) : '';
  }

  /** Calls can be placed only while the server is reachable; the idle status line says which. */
  setConnection(state: ConnectionState): void {
    this.online = state.kind === 'online';
    const status = 'key' in this.status ? this.status.key : undefined;
    const waitingForServer = status === 'statusConnecting' || status === 'statusReady';
    if (this.phase === 'idle' && waitingForServer) {
      this.setStatus({ key: this.online ? 'statusReady' : 'statusConnecting' });
    }
    this.updateButtons();
  }

  /**
   * Call waiting: "Carol is calling — End & accept / Decline" over the current call (undefined
   * hides it). Focus stays in the call: someone typing or talking must not switch by accident.
   */
  showWaiting(peer: string | undefined): void {
    this.waitingPeer = peer;
    this.waitingPanel.hidden = peer === undefined;
    this.root.dataset.waiting = String(peer !== undefined);
    this.waitingCaller.textContent =
      peer === undefined
        ? ''
        : this.translator.text(this.named({ key: 'waitingCaller', values: { peer } }));
  }

  showIncoming(peer: string, camera: CameraOutlook): void {
    this.incomingPeer = peer;
    this.cameraOutlook = camera;
    this.incomingCaller.textContent = this.translator.text(
      this.named({ key: 'isCalling', values: { peer } }),
    );
    // The account name beside the display name (two people may share one), and a stranger marked.
    const stranger = this.names.isContact(peer) === false;
    this.incomingHandle.textContent = `@${peer}${stranger ? ` · ${this.translator.text({ key: 'notInContacts' })}` : ''}`;
    this.incomingCamera.hidden = camera === 'available';
    this.incomingCamera.textContent =
      camera === 'available'
        ? ''
        : this.translator.text({
            key: camera === 'blocked' ? 'cameraBlockedIncoming' : 'cameraMissingIncoming',
          });
    this.showJoinWith();
  }

  /** "You join with your microphone on and your camera off." in the incoming panel. */
  private showJoinWith(): void {
    const camera = this.joinWith.camera && this.cameraOutlook === 'available';
    const text = (key: UiKey): string => this.translator.text({ key });
    this.incomingJoin.textContent = this.translator.text({
      key: 'joinWith',
      values: {
        microphone: text(this.joinWith.microphone ? 'joinMicrophoneOn' : 'joinMicrophoneOff'),
        camera: text(camera ? 'joinCameraOn' : 'joinCameraOff'),
      },
    });
  }

  setTone(kind: ToneKind, state: ToneState): void {
    if (kind === 'waiting') {
      this.waitingPanel.dataset.tone = state; // the soft call-waiting tone, for tests and CSS
    }
    if (kind === 'ring') {
      this.incomingPanel.dataset.ringtone = state;
      this.ringtoneHint.hidden = state !== 'blocked';
    }
  }

  showLocal(stream: MediaStream | undefined): void {
    this.localStream = stream;
    this.showSelf();
  }

  /** The self-view: the shared screen while one is shared (what the peer sees), else the camera. */
  private showSelf(): void {
    const screen = this.sharedScreen;
    const stream = screen ? new MediaStream([screen]) : this.localStream;
    this.playback.show(this.localVideo, stream);
    this.root.dataset.local = stream ? 'on' : 'off';
    this.root.dataset.presenting = String(screen !== undefined);
    this.presentingBadge.hidden = screen === undefined;
    // Only a camera facing the user is mirrored; a rear camera (or a screen) shows as it is.
    const facing = stream?.getVideoTracks()[0]?.getSettings().facingMode;
    this.localVideo.dataset.mirrored = String(!screen && facing !== 'environment');
  }

  showRemote(stream: MediaStream | undefined): void {
    this.playback.show(this.remoteVideo, stream);
  }

  /** The self-view badges and the toggles' labels follow what is really being sent. */
  setLocalMedia(choice: { microphoneMuted: boolean; cameraOn: boolean }, sending: SendingState) {
    const muted = choice.microphoneMuted;
    this.buttons.mute.label = muted ? 'unmuteMicrophone' : 'muteMicrophone';
    this.muteButton.setAttribute('aria-pressed', String(muted));
    this.buttons.camera.label = choice.cameraOn ? 'turnCameraOff' : 'turnCameraOn';
    this.cameraButton.setAttribute('aria-pressed', String(!choice.cameraOn));
    this.root.dataset.camera = choice.cameraOn ? 'on' : 'off';
    this.root.dataset.microphone = muted ? 'off' : 'on';
    this.microphoneBadge.hidden = !muted;
    this.cameraBadge.hidden = sending.video;
    this.joinWith = { microphone: !muted, camera: choice.cameraOn };
    this.showJoinWith();
    this.labelButtons();
  }

  setCameraAvailable(available: boolean): void {
    this.cameraButton.disabled = !available;
  }

  setFlipAvailable(available: boolean): void {
    this.flipButton.hidden = !available;
  }

  /** Where this browser can share a screen at all (not on phones): the button shows in calls. */
  setScreenShareSupported(supported: boolean): void {
    this.screenShareSupported = supported;
    this.updateButtons();
  }

  /** This side is sharing its screen (true) or sending its camera again. */
  /** Full screen and picture-in-picture buttons say what pressing does now ("Exit full screen"). */
  setVideoModes({ fullscreen, pictureInPicture }: VideoModes): void {
    this.buttons.fullscreen.label = fullscreen ? 'exitFullScreen' : 'fullScreen';
    this.fullscreenButton.setAttribute('aria-pressed', String(fullscreen));
    this.buttons.pip.label = pictureInPicture ? 'exitPictureInPicture' : 'pictureInPicture';
    this.pictureInPictureButton.setAttribute('aria-pressed', String(pictureInPicture));
    this.labelButtons();
  }

  /** Sharing `screen` (undefined: not sharing): the self-view previews it, "You are presenting". */
  setSharingScreen(screen: MediaStreamTrack | undefined): void {
    const sharing = screen !== undefined;
    this.buttons.share.label = sharing ? 'stopScreenShare' : 'shareScreen';
    this.shareButton.setAttribute('aria-pressed', String(sharing));
    this.labelButtons();
    if (screen !== this.sharedScreen) {
      this.sharedScreen = screen;
      this.showSelf();
    }
  }

  /** Whether the peer sends video (camera or screen), as its last `media_state` said. */
  peerSendsVideo(): boolean {
    return this.peerState === undefined || this.peerState.video || this.peerState.screen === true;
  }

  /** What the other side said it is sending (`media_state`); undefined clears. */
  setPeerMedia(state: PeerMedia | undefined): void {
    this.peerState = state;
    // A shared screen is shown whole (letterboxed), never cropped like a face.
    this.root.dataset.peerScreen = String(state?.screen === true);
    const lines: Sentence[] = [];
    if (state?.screen) {
      lines.push({ key: 'peerSharingScreen', values: { peer: state.peer } });
    } else if (state && !state.video) {
      lines.push({ key: 'peerCameraOff', values: { peer: state.peer } });
    }
    if (state && !state.audio) {
      lines.push({ key: 'peerMicrophoneOff', values: { peer: state.peer } });
    }
    this.peerMedia.replaceChildren(
      ...lines.map((line) => {
        const item = document.createElement('span');
        item.textContent = this.translator.text(this.named(line));
        return item;
      }),
    );
    this.peerMedia.hidden = lines.length === 0;
    this.showPeerTile(state);
  }

  /** Camera off (or answered with audio only): a name tile instead of a frozen or empty picture. */
  private showPeerTile(state: PeerMedia | undefined): void {
    const show = state !== undefined && !state.video && !state.screen;
    this.peerTile.hidden = !show;
    this.root.dataset.peerTile = String(show);
    if (!state || !show) {
      return;
    }
    const name = this.names.display(state.peer);
    this.peerAvatar.textContent = initials(name);
    this.peerAvatar.style.setProperty('--avatar-hue', String(hueOf(state.peer)));
    this.peerTileName.textContent = name;
    this.peerTileMuted.hidden = state.audio;
  }

  setCameraCheck(on: boolean): void {
    this.root.dataset.preview = on ? 'on' : 'off';
    this.buttons.check.label = on ? 'stopCameraCheck' : 'checkCamera';
    this.checkCameraButton.setAttribute('aria-pressed', String(on));
    this.microphoneLevel.hidden = !on;
    this.labelButtons();
  }

  /** After Accept: the next thing a keyboard user may want is to hang up. */
  focusHangUp(): void {
    this.hangUpButton.focus();
  }

  /**
   * After a call (or after `closing`, a part of the page that had the focus, went away): back to
   * the friend field, unless the user has put focus somewhere else meanwhile (typing in a setting
   * is never interrupted). Not on touch screens, where focusing a field opens the keyboard.
   */
  returnFocus(closing?: HTMLElement): void {
    const active = document.activeElement;
    const lost =
      !active ||
      active === document.body ||
      this.callArea.contains(active) ||
      closing?.contains(active) === true;
    if (lost && !matchMedia('(pointer: coarse)').matches) {
      // Focus on something scrolled off screen is focus nobody sees: the friend field only if it
      // is in view, else the status line, which says how the call ended.
      const target = inView(this.friendInput) ? this.friendInput : this.statusLine;
      target.focus({ preventScroll: true });
    }
  }

  private updateButtons(): void {
    this.callButton.disabled = this.phase !== 'idle' || !this.online;
    this.hangUpButton.disabled = this.phase === 'idle';
    // While a call rings in, the panel's Reject declines it: no second, red way beside it.
    this.hangUpButton.hidden = this.phase === 'incoming';
    this.checkCameraButton.hidden = this.phase !== 'idle';
    const inCall = this.phase === 'connecting' || this.phase === 'connected';
    this.shareButton.hidden = !this.screenShareSupported || !inCall;
    // Only where the browser has them (no picture-in-picture in Firefox, no fullscreen on iPhone).
    this.fullscreenButton.hidden = !inCall || !document.fullscreenEnabled;
    this.pictureInPictureButton.hidden = !inCall || !document.pictureInPictureEnabled;
  }

  private labelButtons(): void {
    for (const { button, label, shortcut } of Object.values(this.buttons)) {
      const text = this.translator.text({ key: label });
      button.textContent = text;
      if (shortcut) {
        button.setAttribute('aria-keyshortcuts', shortcut.keys);
        button.title = this.translator.text({
          key: 'withShortcut',
          values: { label: text, keys: shortcut.keys },
        });
      }
    }
  }

  private startTimer(): void {
    if (this.timer !== undefined) {
      return;
    }
    const startedAt = Date.now();
    const tick = (): void => {
      this.timerText.textContent = formatCallDuration(Date.now() - startedAt);
    };
    tick();
    this.timer = window.setInterval(tick, 1000);
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.timerText.textContent = '';
  }

  private render(): void {
    this.setStatus(this.status);
    this.setMediaNotice(this.notice);
    this.setPeerMedia(this.peerState);
    this.labelButtons();
    this.incomingKeys.textContent = this.translator.text({
      key: 'incomingKeys',
      values: { accept: SHORTCUTS.accept.keys, reject: SHORTCUTS.reject.keys },
    });
    for (const button of [this.acceptButton, this.rejectButton]) {
      const shortcut = button === this.acceptButton ? SHORTCUTS.accept : SHORTCUTS.reject;
      button.title = this.translator.text({
        key: 'withShortcut',
        values: { label: button.textContent ?? '', keys: shortcut.keys },
      });
    }
    if (this.incomingPeer) {
      this.showIncoming(this.incomingPeer, this.cameraOutlook);
    }
    this.showWaiting(this.waitingPeer);
  }
}
