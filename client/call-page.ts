// The call page (/webrtc/:username): wires the parts together. Served as public/js/call-page.js.
import { DEFAULT_LOCALE, matchLocale } from '../src/i18n/locale.js';
import { CallController } from './call/call-controller.js';
import { CallView } from './call/call-view.js';
import { MediaControls } from './call/media-controls.js';
import { Ringtone } from './call/ringtone.js';
import { FriendSuggestions } from './directory/friend-suggestions.js';
import { byId } from './dom.js';
import { RecentCalls } from './history/recent-calls.js';
import { Translator } from './i18n/translator.js';
import { DevicePickers } from './media/device-pickers.js';
import { LocalMedia } from './media/local-media.js';
import { startLanguagePicker } from './settings/language-picker.js';
import { RelayPreference } from './settings/relay-preference.js';
import { SignalingClient } from './signaling/signaling-client.js';
import { hasTurnServer, IceServers } from './webrtc/ice-servers.js';

const page = byId('call-page', HTMLElement);
const ownUsername = page.dataset.username ?? '';
const translator = new Translator(matchLocale(page.dataset.locale) ?? DEFAULT_LOCALE);
const view = new CallView(translator);
const iceServers = new IceServers();
const relay = new RelayPreference(
  byId('relay-only', HTMLInputElement),
  byId('relay-hint', HTMLElement),
  translator,
);

const media = new LocalMedia((kind, track) => controls.trackChanged(kind, track));
const signaling = new SignalingClient({
  message: (message) => calls.handle(message),
  state: (state) => view.setConnection(state),
  lost: () => calls.connectionLost(),
});
const recent = new RecentCalls(
  byId('recent-calls', HTMLUListElement),
  byId('recent-empty', HTMLElement),
  translator,
  (peer) => {
    view.friendInput.value = peer;
    calls.dial(peer);
  },
);
const pickers = new DevicePickers(
  {
    audio: byId('microphone-select', HTMLSelectElement),
    video: byId('camera-select', HTMLSelectElement),
  },
  translator,
  (kind, deviceId) => controls.useDevice(kind, deviceId),
);
const calls = new CallController({
  send: (message) => signaling.send(message),
  view,
  media,
  ringtone: new Ringtone((state) => view.setRingtone(state)),
  rtcConfiguration: () => iceServers.rtcConfiguration(relay.enabled),
  mediaOpened: () => void pickers.refresh(),
  callEnded: () => void recent.refresh(),
});
const controls = new MediaControls(media, view, () => calls.link);

byId('dial-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  calls.dial(view.friendInput.value);
});
view.hangUpButton.addEventListener('click', () => calls.hangUp());
view.acceptButton.addEventListener('click', () => calls.accept());
view.rejectButton.addEventListener('click', () => calls.reject());

controls.start();
pickers.start();
startLanguagePicker(byId('language', HTMLSelectElement), translator);
new FriendSuggestions(
  view.friendInput,
  byId('friend-suggestions', HTMLDataListElement),
  ownUsername,
  translator,
).start();
signaling.start();
void recent.refresh();
iceServers
  .get()
  .then(({ iceServers: servers }) => relay.start(hasTurnServer(servers)))
  .catch((error: unknown) => console.warn('ICE servers unavailable', error));
