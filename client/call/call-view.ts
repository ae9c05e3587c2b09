import { byId } from '../dom.js';
import type { Sentence, Translator } from '../i18n/translator.js';
import type { ConnectionState } from '../signaling/signaling-client.js';
import { formatCallDuration } from './duration.js';
import type { RingtoneState } from './ringtone.js';

/** Where the call is, from this page's side. Also exposed as `data-call-state` for CSS and tests. */
export type CallPhase = 'idle' | 'calling' | 'ringing' | 'incoming' | 'connecting' | 'connected';

/** Everything on the page that shows the call; it decides nothing. */
export class CallView {
  readonly friendInput = byId('friend', HTMLInputElement);
  readonly callButton = byId('call-button', HTMLButtonElement);
  readonly hangUpButton = byId('hangup-button', HTMLButtonElement);
  readonly acceptButton = byId('accept-button', HTMLButtonElement);
  readonly rejectButton = byId('reject-button', HTMLButtonElement);
  readonly muteButton = byId('mute-button', HTMLButtonElement);
  readonly cameraButton = byId('camera-button', HTMLButtonElement);
  private readonly root = byId('call-page', HTMLElement);
  private readonly statusText = byId('status-text', HTMLElement);
  private readonly timerText = byId('call-timer', HTMLElement);
  private readonly connectionText = byId('connection', HTMLElement);
  private readonly remoteVideo = byId('remote-video', HTMLVideoElement);
  private readonly localVideo = byId('local-video', HTMLVideoElement);
  private readonly incomingPanel = byId('incoming', HTMLElement);
  private readonly incomingCaller = byId('incoming-caller', HTMLElement);
  private readonly ringtoneHint = byId('ringtone-hint', HTMLElement);
  private readonly mediaNotice = byId('media-notice', HTMLElement);

  private phase: CallPhase = 'idle';
  private online = false;
  private status: Sentence = { key: 'statusConnecting' };
  private connection: ConnectionState = { kind: 'connecting' };
  private incomingPeer = '';
  private notice: Sentence | undefined;
  private timer: number | undefined;

  constructor(private readonly translator: Translator) {
    translator.onChange(() => this.render());
    this.render();
  }

  setPhase(phase: CallPhase): void {
    const wasIncoming = this.phase === 'incoming';
    this.phase = phase;
    this.root.dataset.callState = phase;
    this.incomingPanel.hidden = phase !== 'incoming';
    if (phase === 'incoming' && !wasIncoming) {
      this.acceptButton.focus(); // keyboard users can answer at once
    }
    if (phase === 'connected') {
      this.startTimer();
    } else {
      this.stopTimer();
    }
    this.updateButtons();
  }

  setStatus(sentence: Sentence): void {
    this.status = sentence;
    this.statusText.textContent = this.translator.text(sentence);
  }

  /** A note about this device's camera or microphone, beside the call status (undefined clears). */
  setMediaNotice(sentence: Sentence | undefined): void {
    this.notice = sentence;
    this.mediaNotice.textContent = sentence ? this.translator.text(sentence) : '';
  }

  setConnection(state: ConnectionState): void {
    this.connection = state;
    this.online = state.kind === 'online';
    this.connectionText.dataset.state = state.kind;
    this.connectionText.textContent = this.translator.text(connectionSentence(state));
    const status = 'key' in this.status ? this.status.key : undefined;
    const waitingForServer = status === 'statusConnecting' || status === 'statusReady';
    if (this.phase === 'idle' && waitingForServer) {
      this.setStatus({ key: this.online ? 'statusReady' : 'statusConnecting' });
    }
    this.updateButtons();
  }

  showIncoming(peer: string): void {
    this.incomingPeer = peer;
    this.incomingCaller.textContent = this.translator.text({ key: 'isCalling', values: { peer } });
  }

  setRingtone(state: RingtoneState): void {
    this.incomingPanel.dataset.ringtone = state;
    this.ringtoneHint.hidden = state !== 'blocked';
  }

  showLocal(stream: MediaStream | undefined): void {
    this.localVideo.srcObject = stream ?? null;
  }

  showRemote(stream: MediaStream | undefined): void {
    if (this.remoteVideo.srcObject !== (stream ?? null)) {
      this.remoteVideo.srcObject = stream ?? null;
    }
  }

  setMicrophoneMuted(muted: boolean): void {
    this.muteButton.setAttribute('aria-pressed', String(muted));
  }

  setCameraOn(on: boolean): void {
    this.cameraButton.setAttribute('aria-pressed', String(!on));
    this.root.dataset.camera = on ? 'on' : 'off';
  }

  setCameraAvailable(available: boolean): void {
    this.cameraButton.disabled = !available;
  }

  private updateButtons(): void {
    this.callButton.disabled = this.phase !== 'idle' || !this.online;
    this.hangUpButton.disabled = this.phase === 'idle';
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
    this.setConnection(this.connection);
    this.setMediaNotice(this.notice);
    if (this.incomingPeer) {
      this.showIncoming(this.incomingPeer);
    }
  }
}

function connectionSentence(state: ConnectionState): Sentence {
  switch (state.kind) {
    case 'connecting':
      return { key: 'connectionConnecting' };
    case 'online':
      return { key: 'connectionOnline' };
    case 'waiting':
      return { key: 'statusReconnecting', values: { seconds: Math.ceil(state.retryInMs / 1000) } };
    case 'replaced':
      return { key: 'statusReplaced' };
  }
}
