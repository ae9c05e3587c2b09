// Runs inside the page (Playwright serialises these functions), before the page's own script:
// records what the tests need to see and the page has no reason to expose. Typed structurally
// because the test build has no DOM library.

interface ProbedTrack {
  kind: string;
  readyState: string;
}
interface ProbedReport {
  type: string;
  kind?: string;
  bytesReceived?: number;
  selectedCandidatePairId?: string;
  localCandidateId?: string;
  remoteCandidateId?: string;
  candidateType?: string;
  address?: string;
  port?: number;
}
interface ProbedStats {
  forEach(visit: (report: ProbedReport) => void): void;
  get(id: string): ProbedReport | undefined;
}
interface ProbedPeer {
  getStats(): Promise<ProbedStats>;
  getConfiguration(): {
    iceTransportPolicy?: string;
    iceServers?: { urls: string | string[]; username?: string }[];
  };
}
/** One WebSocket the page opened: when (ms since the epoch), and when and how it closed. */
export interface SocketRecord {
  createdAt: number;
  closedAt?: number;
  closeCode?: number;
}
/** What the connection indicator (#connection) showed, from the moment it showed it. */
export interface ConnectionRecord {
  at: number;
  state: string;
  text: string;
  visible: boolean;
}
/** A notification the page showed, and whether it was closed since. */
export interface NotificationRecord {
  at: number;
  title: string;
  body: string;
  requireInteraction: boolean;
  closedAt?: number;
}
/** A tone the page started (an oscillator), or a change of an audio context's state. */
export interface SoundRecord {
  at: number;
  frequency?: number;
  state?: string;
  /** The speaker a tone started on (AudioContext.sinkId: "" is the default output). */
  sinkId?: unknown;
}
interface ProbedNotification {
  close(): void;
  onclick: ((event: unknown) => void) | null;
}
interface ProbedOscillator {
  frequency: { value: number };
  start(when?: number): void;
}
interface ProbedAudioContext {
  state: string;
  sinkId?: unknown;
  addEventListener(type: 'statechange', listener: () => void): void;
  createOscillator(): ProbedOscillator;
}
interface Probe {
  notifications: NotificationRecord[];
  notificationObjects: ProbedNotification[];
  /** When the page asked for permission to show notifications. */
  permissionRequests: number[];
  vibrations: { at: number; pattern: unknown }[];
  sounds: SoundRecord[];
  peers: ProbedPeer[];
  tracks: ProbedTrack[];
  /** Every signaling frame the page sent, with the time it was sent (ms since the epoch). */
  sent: { at: number; data: string }[];
  sockets: SocketRecord[];
  connection: ConnectionRecord[];
}
interface ProbedSocket {
  addEventListener(type: 'close', listener: (event: { code: number }) => void): void;
}
interface ProbedElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  checkVisibility(): boolean;
}
interface ProbedWindow {
  __dialtoneProbe: Probe;
  RTCPeerConnection: new (...args: unknown[]) => ProbedPeer;
  navigator: { mediaDevices: { getUserMedia(constraints: unknown): Promise<ProbedStream> } };
  WebSocket: (new (...args: unknown[]) => ProbedSocket) & {
    prototype: { send: (this: unknown, data: unknown) => void };
  };
  MutationObserver: new (callback: () => void) => {
    observe(target: unknown, options: Record<string, unknown>): void;
  };
  document: { getElementById(id: string): ProbedElement | null };
  Notification: (new (title: string, options?: Record<string, unknown>) => ProbedNotification) & {
    requestPermission(): Promise<string>;
  };
  AudioContext: new (...args: unknown[]) => ProbedAudioContext;
}
interface ProbedStream {
  getTracks(): ProbedTrack[];
}

/**
 * The init script: wraps RTCPeerConnection, getUserMedia and WebSocket to record them, and watches
 * what the connection indicator shows.
 */
export function installProbe(): void {
  const page = globalThis as unknown as ProbedWindow;
  const probe: Probe = {
    notifications: [],
    notificationObjects: [],
    permissionRequests: [],
    vibrations: [],
    sounds: [],
    peers: [],
    tracks: [],
    sent: [],
    sockets: [],
    connection: [],
  };
  page.__dialtoneProbe = probe;
  const requestPermission = page.Notification.requestPermission.bind(page.Notification);
  page.Notification.requestPermission = () => {
    probe.permissionRequests.push(Date.now());
    return requestPermission();
  };
  page.Notification = new Proxy(page.Notification, {
    construct(target, args: [string, Record<string, unknown>?]) {
      const notification = Reflect.construct(target, args);
      const [title, options = {}] = args;
      const record: NotificationRecord = {
        at: Date.now(),
        title,
        body: typeof options.body === 'string' ? options.body : '',
        requireInteraction: options.requireInteraction === true,
      };
      const close = notification.close.bind(notification);
      notification.close = () => {
        record.closedAt ??= Date.now();
        close();
      };
      probe.notifications.push(record);
      probe.notificationObjects.push(notification);
      return notification;
    },
  });
  const navigatorWithVibrate = page.navigator as { vibrate?: (pattern: unknown) => boolean };
  const vibrate = navigatorWithVibrate.vibrate?.bind(page.navigator);
  navigatorWithVibrate.vibrate = (pattern) => {
    probe.vibrations.push({ at: Date.now(), pattern });
    return vibrate?.(pattern) ?? false;
  };
  page.AudioContext = new Proxy(page.AudioContext, {
    construct(target, args) {
      const context = Reflect.construct<unknown[], ProbedAudioContext>(target, args);
      context.addEventListener('statechange', () =>
        probe.sounds.push({ at: Date.now(), state: context.state }),
      );
      const createOscillator = context.createOscillator.bind(context);
      context.createOscillator = () => {
        const oscillator = createOscillator();
        const start = oscillator.start.bind(oscillator);
        oscillator.start = (when) => {
          const { sinkId } = context;
          probe.sounds.push({ at: Date.now(), frequency: oscillator.frequency.value, sinkId });
          start(when);
        };
        return oscillator;
      };
      return context;
    },
  });
  page.RTCPeerConnection = new Proxy(page.RTCPeerConnection, {
    construct(target, args) {
      const peer = Reflect.construct<unknown[], ProbedPeer>(target, args);
      probe.peers.push(peer);
      return peer;
    },
  });
  const devices = page.navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    probe.tracks.push(...stream.getTracks());
    return stream;
  };
  const send = page.WebSocket.prototype.send;
  page.WebSocket.prototype.send = function (this: unknown, data: unknown) {
    probe.sent.push({ at: Date.now(), data: String(data) });
    send.call(this, data);
  };
  page.WebSocket = new Proxy(page.WebSocket, {
    construct(target, args) {
      const socket = Reflect.construct<unknown[], ProbedSocket>(target, args);
      const record: SocketRecord = { createdAt: Date.now() };
      probe.sockets.push(record);
      socket.addEventListener('close', (event) => {
        record.closedAt = Date.now();
        record.closeCode = event.code;
      });
      return socket;
    },
  });
  // Every change to #connection, however briefly shown (the first retry comes within 0.5 s).
  new page.MutationObserver(() => {
    const indicator = page.document.getElementById('connection');
    const last = probe.connection[probe.connection.length - 1];
    const state = indicator?.getAttribute('data-state') ?? '';
    const text = indicator?.textContent ?? '';
    if (indicator && (last?.state !== state || last.text !== text)) {
      probe.connection.push({ at: Date.now(), state, text, visible: indicator.checkVisibility() });
    }
  }).observe(page.document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['data-state'],
  });
}

/** Inbound video bytes of the page's latest peer connection. */
/** Bytes received so far on the current call's inbound `kind` streams. */
export async function inboundBytes(kind: string): Promise<number> {
  const { peers } = (globalThis as unknown as ProbedWindow).__dialtoneProbe;
  const stats = await peers[peers.length - 1].getStats();
  let bytes = 0;
  stats.forEach((report) => {
    if (report.type === 'inbound-rtp' && report.kind === kind) {
      bytes += report.bytesReceived ?? 0;
    }
  });
  return bytes;
}

export interface PathEnd {
  candidateType: string;
  address: string;
  port: number;
}

export interface SelectedPath {
  /** The page's RTCConfiguration: 'relay' when the privacy switch was on for this call. */
  iceTransportPolicy: string;
  /** URLs and usernames of the TURN servers the page configured (from GET /ice-servers). */
  turnServers: { urls: string[]; username: string }[];
  /** The transport's selected candidate pair, null before one is selected. */
  local: PathEnd | null;
  remote: PathEnd | null;
}

/** The ICE path of the page's latest peer connection, as its configuration and getStats() say. */
export async function selectedPath(): Promise<SelectedPath> {
  const { peers } = (globalThis as unknown as ProbedWindow).__dialtoneProbe;
  const peer = peers[peers.length - 1];
  const config = peer.getConfiguration();
  const stats = await peer.getStats();
  const end = (id: string | undefined): PathEnd | null => {
    const report = id === undefined ? undefined : stats.get(id);
    return report === undefined
      ? null
      : {
          candidateType: report.candidateType ?? '',
          address: report.address ?? '',
          port: report.port ?? 0,
        };
  };
  let local: PathEnd | null = null;
  let remote: PathEnd | null = null;
  stats.forEach((report) => {
    if (report.type === 'transport' && report.selectedCandidatePairId !== undefined) {
      const pair = stats.get(report.selectedCandidatePairId);
      local = end(pair?.localCandidateId);
      remote = end(pair?.remoteCandidateId);
    }
  });
  return {
    iceTransportPolicy: config.iceTransportPolicy ?? '',
    turnServers: (config.iceServers ?? []).map((server) => ({
      urls: Array.isArray(server.urls) ? server.urls : [server.urls],
      username: server.username ?? '',
    })),
    local,
    remote,
  };
}

/** readyState of every camera and microphone track the page ever opened. */
export function localTrackStates(): string[] {
  return (globalThis as unknown as ProbedWindow).__dialtoneProbe.tracks.map(
    (track) => `${track.kind}:${track.readyState}`,
  );
}

/** The signaling frames the page sent, parsed. */
export function sentFrames(): { at: number; type: string }[] {
  return (globalThis as unknown as ProbedWindow).__dialtoneProbe.sent.map(({ at, data }) => ({
    at,
    type: (JSON.parse(data) as { type: string }).type,
  }));
}

/** The page's WebSockets, oldest first. */
export function signalingSockets(): SocketRecord[] {
  return (globalThis as unknown as ProbedWindow).__dialtoneProbe.sockets;
}

/** Everything the connection indicator showed, oldest first. */
export function connectionHistory(): ConnectionRecord[] {
  return (globalThis as unknown as ProbedWindow).__dialtoneProbe.connection;
}

/** The notifications the page showed, oldest first. */
export function notifications(): NotificationRecord[] {
  return (globalThis as unknown as ProbedWindow).__dialtoneProbe.notifications;
}

/** When the page asked for permission to show notifications, oldest first. */
export function permissionRequests(): number[] {
  return (globalThis as unknown as ProbedWindow).__dialtoneProbe.permissionRequests;
}

/** Clicks the page's latest notification, as the user would in the system's notification area. */
export function clickLatestNotification(): void {
  const { notificationObjects } = (globalThis as unknown as ProbedWindow).__dialtoneProbe;
  notificationObjects[notificationObjects.length - 1]?.onclick?.({});
}

/** Every navigator.vibrate() call, oldest first. */
export function vibrations(): { at: number; pattern: unknown }[] {
  return (globalThis as unknown as ProbedWindow).__dialtoneProbe.vibrations;
}

/** Tones started and audio context state changes, oldest first. */
export function sounds(): SoundRecord[] {
  return (globalThis as unknown as ProbedWindow).__dialtoneProbe.sounds;
}
