// The call page (/webrtc/:username): wires the parts together. Served as public/js/call-page.js.
import { DEFAULT_LOCALE, matchLocale } from '../src/i18n/locale.js';
import { startAccountMenu } from './call/account-menu.js';
import { CallAlerts } from './call/call-alerts.js';
import { CallController } from './call/call-controller.js';
import { callRejoin } from './call/call-rejoin.js';
import { PeerNames } from './call/peer-names.js';
import { CallQuality } from './call/call-quality.js';
import { CallView } from './call/call-view.js';
import { ConnectionIndicator } from './call/connection-indicator.js';
import { FaviconBadge } from './call/favicon-badge.js';
import { MediaControls } from './call/media-controls.js';
import { ScreenShare } from './call/screen-share.js';
import { listenForShortcuts } from './call/shortcuts.js';
import { Tones } from './call/tones.js';
import { VideoButtons } from './call/video-buttons.js';
import { ContactsPanel } from './contacts/contacts-panel.js';
import { AnswerFromNotification } from './push/answer-from-notification.js';
import { PushDeviceLink } from './push/push-device-link.js';
import { PushToggle } from './push/push-toggle.js';
import { registerServiceWorker } from './push/service-worker-registration.js';
import { PrivacyPanel } from './contacts/privacy-panel.js';
import { RequestToast } from './contacts/request-toast.js';
import { FriendSuggestions } from './directory/friend-suggestions.js';
import { byId } from './dom.js';
import { RecentCalls } from './history/recent-calls.js';
import { Translator } from './i18n/translator.js';
import { AudioOutput } from './media/audio-output.js';
import { CameraCheck } from './media/camera-check.js';
import { cameraOutlook } from './media/camera-outlook.js';
import { DevicePickers } from './media/device-pickers.js';
import { LocalMedia } from './media/local-media.js';
import { startLanguagePicker } from './settings/language-picker.js';
import { startNotificationOffer } from './settings/notification-offer.js';
import { startShareLink } from './settings/share-link.js';
import { StartMediaPreference } from './settings/start-media.js';
import { RelayPreference } from './settings/relay-preference.js';
import { VoiceSettings } from './settings/voice-settings.js';
import { SignalingClient } from './signaling/signaling-client.js';
import { CallVerification } from './verify/call-verification.js';
import { hasTurnServer, IceServers } from './webrtc/ice-servers.js';
import type { PeerLink } from './webrtc/peer-link.js';

const page = byId('call-page', HTMLElement);
const ownUsername = page.dataset.username ?? '';
// A reload mid-call: what the previous page of this tab left to carry the call on.
const rejoin = callRejoin.take();
const translator = new Translator(matchLocale(page.dataset.locale) ?? DEFAULT_LOCALE);
const view = new CallView(translator);
const connection = new ConnectionIndicator(translator);
const quality = new CallQuality(translator);
const iceServers = new IceServers();
const relay = new RelayPreference(
  byId('relay-only', HTMLInputElement),
  byId('relay-hint', HTMLElement),
  translator,
);

const media = new LocalMedia((kind, track) => {
  controls.trackChanged(kind, track);
  cameraCheck.tracksChanged();
  voice.mediaChanged(); // a microphone opened anew processes its sound as chosen
  calls.sendMediaState();
});
const privacy = new PrivacyPanel(byId('privacy-panel', HTMLElement), translator);
// The header says "Do not disturb until 18:30" instead of "Online" while it is on.
privacy.onChange(({ doNotDisturb, doNotDisturbUntil }) =>
  connection.setDoNotDisturb(
    doNotDisturb && (doNotDisturbUntil ? new Date(doNotDisturbUntil) : true),
  ),
);
const requestToast = new RequestToast(translator, () => contacts.showRequests());
const contacts = new ContactsPanel(byId('contacts-panel', HTMLElement), {
  translator,
  ownUsername,
  dial: dialFromList,
  blocked: () => void privacy.refreshBlocked(),
  requestArrived: (from) => requestToast.arrived(from),
});
const signaling = new SignalingClient(
  {
    message: (message) => {
      calls.handle(message);
      answerFromNotification.handle(message);
      contacts.handle(message);
      if (message.type.startsWith('contact_')) {
        names.contactsChanged(); // a new contact (or a new display name) shows at once
      }
      if (message.type === 'contact_renamed') {
        void recent.refresh(); // Recent calls name people as they name themselves now
      }
      if (message.type === 'missed_call') {
        // Do-not-disturb rang no page: Recent calls and the title's count learn of it here.
        void recent.refresh();
        alerts.missedWithoutRinging();
      }
      if (message.type === 'welcome') {
        void pushDevice.welcomed(); // a call rings this browser here, not also by push
        void contacts.refresh().then(() => names.contactsChanged()); // a new session: whatever changed while away is in the list
      }
    },
    state: (state) => {
      connection.set(state);
      view.setConnection(state);
    },
    lost: (reason) => calls.connectionLost(reason),
    away: () => calls.connectionAway(),
    back: (call) => {
      calls.connectionBack(call);
      void contacts.refresh().then(() => names.contactsChanged()); // whatever changed while away (or before a reload) is in the list
    },
  },
  rejoin?.session,
);
const serviceWorker = registerServiceWorker(translator);
const pushDevice = new PushDeviceLink((message) => signaling.send(message), serviceWorker);
const names = new PeerNames({
  contact: (username) => contacts.book.contacts.find((entry) => entry.username === username),
});
view.useNames(names);
const recent = new RecentCalls(
  byId('recent-calls', HTMLUListElement),
  byId('recent-empty', HTMLElement),
  translator,
  dialFromList,
);
const tones = new Tones((kind, state) => view.setTone(kind, state));
// The call is heard from the remote video; the ring and ringback go to the same speaker.
const output = AudioOutput.supported ? new AudioOutput([view.remoteVideo, tones]) : undefined;
byId('speaker-field', HTMLElement).hidden = !output;
const voice = new VoiceSettings(
  {
    noiseSuppression: byId('noise-suppression', HTMLInputElement),
    echoCancellation: byId('echo-cancellation', HTMLInputElement),
  },
  byId('voice-next-call', HTMLElement),
  media,
);
const pickers = new DevicePickers(
  {
    audio: byId('microphone-select', HTMLSelectElement),
    video: byId('camera-select', HTMLSelectElement),
    output: output && byId('speaker-select', HTMLSelectElement),
  },
  translator,
  (kind, deviceId) =>
    kind === 'output' ? void output?.use(deviceId) : controls.useDevice(kind, deviceId),
  (cameras) => view.setFlipAvailable(cameras >= 2),
);
const controls = new MediaControls({
  media,
  view,
  currentLink: () => calls.link,
  changed: () => calls.sendMediaState(),
  nextCamera: (current) => pickers.nextCamera(current),
  chooseCamera: (deviceId) => pickers.choose('video', deviceId),
  sharingScreen: () => screenShare.sharing,
});
const screenShare: ScreenShare = new ScreenShare({
  currentLink: (): PeerLink | undefined => calls.link,
  cameraTrack: () =>
    media.current?.getVideoTracks().find((track) => track.readyState === 'live') ?? null,
  changed: () => {
    view.setSharingScreen(screenShare.screen);
    calls.sendMediaState();
  },
  failed: (error) => {
    console.warn('screen sharing failed', error);
    view.setMediaNotice({ key: 'screenShareFailed' });
  },
});
const mediaChanged = (): void => {
  void pickers.refresh();
  void output?.apply(); // capture allowed: a remembered speaker may be listed now
  controls.show();
  voice.mediaChanged();
};
const cameraCheck = new CameraCheck(media, view, view.microphoneLevel, mediaChanged);
const verification = new CallVerification(byId('verify-panel', HTMLElement), {
  translator,
  ownUsername,
  hangUp: () => calls.hangUp(),
});
const alerts = new CallAlerts(translator, new FaviconBadge(), names);
names.onChange(() => {
  view.namesChanged();
  alerts.namesChanged();
});
const calls = new CallController({
  send: (message) => signaling.send(message),
  view,
  media,
  tones,
  alerts,
  learnName: (username) => void names.learn(username),
  // The certificate is this device's, kept for call verification (client/verify/).
  rtcConfiguration: async () => ({
    ...(await iceServers.rtcConfiguration(relay.enabled)),
    certificates: await verification.certificates(),
  }),
  cameraOutlook,
  mediaChanged,
  sharingScreen: () => screenShare.sharing,
  phaseChanged: (phase) => {
    if (phase !== 'idle') {
      cameraCheck.handOver();
    }
    if (phase === 'connected') {
      quality.start(
        names.display(calls.peer ?? ''), // "Poor connection on Bob Builder's side"
        () => calls.link?.getStats(),
        () => view.peerSendsVideo(),
      );
    } else if (phase === 'idle') {
      quality.stop();
    }
  },
  verifyChannel: ({ link, ...call }) =>
    verification.start({ ...call, dtlsTransports: () => link.dtlsTransports() }),
  callEnded: () => {
    verification.end();
    applyStartMedia(); // the call's own mute or camera-off ends with it
    if (document.fullscreenElement) {
      void document.exitFullscreen().catch(() => undefined); // nothing left to enlarge
    }
    screenShare.end();
    view.setSharingScreen(undefined);
    void recent.refresh();
  },
});
const answerFromNotification = new AnswerFromNotification({
  accept: () => calls.accept(),
  idle: () => calls.peer === undefined,
  setStatus: (sentence) => view.setStatus(sentence),
});
/** One click on a recent call or a contact: the field shows whom, and the call starts. */
function dialFromList(username: string): void {
  view.friendInput.value = username;
  calls.dial(username);
}

const suggestions = new FriendSuggestions(
  view.friendInput,
  byId('friend-suggestions', HTMLUListElement),
  ownUsername,
  translator,
  (typed) => contacts.book.matching(typed),
);

byId('dial-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  calls.dial(suggestions.accountFor(view.friendInput.value));
});
view.hangUpButton.addEventListener('click', () => calls.hangUp());
view.acceptButton.addEventListener('click', () => calls.accept());
view.acceptAudioButton.addEventListener('click', () => calls.accept(true));
view.rejectButton.addEventListener('click', () => calls.reject());
view.switchButton.addEventListener('click', () => calls.acceptWaiting());
view.waitingDeclineButton.addEventListener('click', () => calls.declineWaiting());
view.checkCameraButton.addEventListener('click', () => void cameraCheck.toggle());
view.shareButton.addEventListener('click', () => void screenShare.toggle());
const videoButtons = new VideoButtons(byId('call-area', HTMLElement), view.remoteVideo, (modes) =>
  view.setVideoModes(modes),
);
view.fullscreenButton.addEventListener('click', () => videoButtons.toggleFullscreen());
view.pictureInPictureButton.addEventListener('click', () => videoButtons.togglePictureInPicture());
view.setScreenShareSupported(ScreenShare.supported);
connection.retryButton.addEventListener('click', () => signaling.retryNow());
listenForShortcuts({
  accept: () => calls.accept(),
  reject: () => calls.reject(),
  microphone: () => controls.toggleMicrophone(),
  camera: () => controls.toggleCamera(),
  fullscreen: () => videoButtons.toggleFullscreen(),
  pictureInPicture: () => videoButtons.togglePictureInPicture(),
});

const startMedia = new StartMediaPreference(
  {
    microphone: byId('start-microphone', HTMLInputElement),
    camera: byId('start-camera', HTMLInputElement),
  },
  () => {
    if (!calls.busy) {
      applyStartMedia();
    }
  },
);
/** Every call starts with the microphone and camera as the settings say. */
function applyStartMedia(): void {
  const { microphone, camera } = startMedia.current;
  media.setMicrophoneMuted(!microphone);
  void media.setCameraOn(camera);
  controls.show();
}
startMedia.start();
if (rejoin) {
  // The call goes on as it was: muted stays muted, a camera turned off stays off.
  media.setMicrophoneMuted(rejoin.microphoneMuted);
  void media.setCameraOn(rejoin.cameraOn);
  calls.expectRejoin();
} else {
  applyStartMedia();
}
keepCallAcrossReload();
controls.start();
voice.start();
output?.start();
pickers.start();
suggestions.start();
startLanguagePicker(byId('language', HTMLSelectElement), translator);
startAccountMenu();
startNotificationOffer(
  byId('notification-offer', HTMLElement),
  byId('notification-on', HTMLButtonElement),
  byId('notification-not-now', HTMLButtonElement),
  (panel) => view.returnFocus(panel),
);
startShareLink(
  byId('share-link-button', HTMLButtonElement),
  byId('share-link-status', HTMLElement),
  ownUsername,
  translator,
);
// From a share page (/u/<username>): whom to call is filled in; the Call button dials.
const wanted = new URLSearchParams(location.search).get('call');
if (wanted && !rejoin) {
  view.friendInput.value = wanted;
}
void new PushToggle(
  byId('push-ring', HTMLInputElement),
  byId('push-hint', HTMLElement),
  translator,
  serviceWorker,
  (endpoint) => pushDevice.changed(endpoint),
).start();
signaling.start();
void recent.refresh();
void privacy.refresh();
iceServers
  .get()
  .then(({ iceServers: servers }) => relay.start(hasTurnServer(servers)))
  .catch((error: unknown) => console.warn('ICE servers unavailable', error));

/**
 * Leaving mid-call asks first; a reload then carries the call on (the session is resumed by the
 * next page of this tab); logging out mid-call asks, naming the call, and hangs up first.
 */
function keepCallAcrossReload(): void {
  window.addEventListener('beforeunload', (event) => {
    if (calls.busy) {
      event.preventDefault();
      event.returnValue = ''; // Chromium before 119 shows the prompt only with this set
    }
  });
  window.addEventListener('pagehide', () => {
    if (!calls.busy) {
      return;
    }
    const session = signaling.leaveForReload();
    if (session) {
      const { microphoneMuted, cameraOn } = media;
      callRejoin.save({ session, microphoneMuted, cameraOn, leftAt: Date.now() });
    }
  });
  const logOuts = [
    [byId('logout-form', HTMLFormElement), 'confirmLogOutInCall'],
    [byId('logout-all-form', HTMLFormElement), 'confirmLogOutEverywhereInCall'],
  ] as const;
  for (const [form, question] of logOuts) {
    form.addEventListener('submit', (event) => {
      if (calls.busy) {
        if (!confirm(translator.text({ key: question, values: { peer: calls.peer ?? '' } }))) {
          event.preventDefault();
          return;
        }
        calls.hangUp();
      }
      callRejoin.clear();
    });
  }
}
