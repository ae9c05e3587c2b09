// The man in the middle of test/verified-calls.browser-spec.ts: a Chromium page with two peer
// connections of its own, one facing the caller (as if it were the callee) and one facing the
// callee (as if it were the caller). The signaling proxy hands it each side's offer, answer and
// ICE candidates; it answers with its own descriptions (so its own DTLS certificate on both
// legs) and relays the media and the verification channel between the legs. Typed structurally
// because the test build has no DOM library.
import type { BrowserContext, Page } from 'playwright-core';
import type { ClientFrame, ProxiedSocket, Tamper } from '../support/signaling-proxy.js';

interface Track {
  kind: string;
}
interface Transceiver {
  direction: string;
  receiver: { track: Track };
  sender: { replaceTrack(track: Track | null): Promise<void> };
}
interface Channel {
  readyState: string;
  send(data: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  onopen: (() => void) | null;
}
interface Description {
  type: string;
  sdp?: string;
}
interface Peer {
  iceGatheringState: string;
  localDescription: Description | null;
  remoteDescription: Description | null;
  setRemoteDescription(description: Description): Promise<void>;
  setLocalDescription(): Promise<void>;
  addTransceiver(track: Track, init: { direction: string }): Transceiver;
  getTransceivers(): Transceiver[];
  createDataChannel(label: string, init: Record<string, unknown>): Channel;
  addIceCandidate(candidate: unknown): Promise<void>;
  addEventListener(type: 'icegatheringstatechange', listener: () => void): void;
}
interface AttackerWindow {
  RTCPeerConnection: new () => Peer;
  navigator: { mediaDevices: { getUserMedia(constraints: unknown): Promise<unknown> } };
  __attacker: {
    offer(sdp: string): Promise<string>;
    answer(sdp: string): Promise<string>;
    candidate(side: 'caller' | 'callee', candidate: unknown): Promise<void>;
    relayed: { offers: number; answers: number };
  };
}

/** Runs in the attacker's page. */
async function installAttacker(): Promise<void> {
  const page = globalThis as unknown as AttackerWindow;
  // Media permission: Chromium then shares real host addresses instead of mDNS names.
  await page.navigator.mediaDevices.getUserMedia({ audio: true });
  const toCaller = new page.RTCPeerConnection();
  const toCallee = new page.RTCPeerConnection();
  const relayed = { offers: 0, answers: 0 };

  /** The same negotiated channel as client/verify/verify-channel.ts, relayed both ways. */
  const channels = [toCaller, toCallee].map((peer) =>
    peer.createDataChannel('dialtone-verify', { negotiated: true, id: 23, ordered: true }),
  );
  const waiting: unknown[][] = [[], []];
  channels.forEach((channel, side) => {
    const other = channels[1 - side];
    channel.onmessage = ({ data }) =>
      other.readyState === 'open' ? other.send(data) : waiting[1 - side].push(data);
    channel.onopen = () => waiting[side].splice(0).forEach((data) => channel.send(data));
  });

  /** Whole descriptions, candidates included: the attacker does not trickle. */
  const gathered = (peer: Peer): Promise<string> =>
    new Promise((resolve) => {
      const done = () => {
        if (peer.iceGatheringState === 'complete') {
          resolve(peer.localDescription?.sdp ?? '');
        }
      };
      peer.addEventListener('icegatheringstatechange', done);
      done();
    });

  page.__attacker = {
    relayed,
    /** The caller's offer in, the attacker's own offer to the callee out, with the caller's media. */
    async offer(sdp) {
      relayed.offers += 1;
      await toCaller.setRemoteDescription({ type: 'offer', sdp });
      for (const transceiver of toCaller.getTransceivers()) {
        toCallee.addTransceiver(transceiver.receiver.track, { direction: 'sendrecv' });
      }
      await toCallee.setLocalDescription();
      return gathered(toCallee);
    },
    /** The callee's answer in, the attacker's own answer to the caller out, with the callee's media. */
    async answer(sdp) {
      relayed.answers += 1;
      await toCallee.setRemoteDescription({ type: 'answer', sdp });
      const fromCallee = toCallee.getTransceivers();
      for (const transceiver of toCaller.getTransceivers()) {
        const kind = transceiver.receiver.track.kind;
        const source = fromCallee.find((other) => other.receiver.track.kind === kind);
        await transceiver.sender.replaceTrack(source?.receiver.track ?? null);
        transceiver.direction = 'sendrecv';
      }
      await toCaller.setLocalDescription();
      return gathered(toCaller);
    },
    async candidate(side, candidate) {
      await (side === 'caller' ? toCaller : toCallee).addIceCandidate(candidate).catch(() => {});
    },
  };
}

/** The attacker's page, and the proxy's tamper that hands it the call's signaling. */
export class Attacker {
  private readonly sides = new Map<number, 'caller' | 'callee'>();

  private constructor(private readonly page: Page) {}

  /** Opens the attacker in `context`, on the app's login page (a secure origin for WebRTC). */
  static async open(context: BrowserContext, baseUrl: string): Promise<Attacker> {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/login`);
    await page.evaluate(installAttacker);
    return new Attacker(page);
  }

  /** Offers and answers replaced by the attacker's own; ICE candidates go to it, not the peer. */
  readonly tamper: Tamper = async (frame: ClientFrame, from: ProxiedSocket) => {
    const { type, sdp } = frame;
    if ((type === 'offer' || type === 'answer') && typeof sdp === 'string') {
      this.sides.set(from.id, type === 'offer' ? 'caller' : 'callee');
      const forged = await this.page.evaluate(
        ([kind, text]) =>
          kind === 'offer'
            ? (globalThis as unknown as AttackerWindow).__attacker.offer(text)
            : (globalThis as unknown as AttackerWindow).__attacker.answer(text),
        [type, sdp] as const,
      );
      return { ...frame, sdp: forged };
    }
    const side = this.sides.get(from.id);
    if (type === '_ice' && side) {
      await this.page.evaluate(
        ([which, candidate]) =>
          (globalThis as unknown as AttackerWindow).__attacker.candidate(which, candidate),
        [side, frame.iceCandidate] as const,
      );
      return undefined;
    }
    return frame;
  };

  relayedDescriptions(): Promise<{ offers: number; answers: number }> {
    return this.page.evaluate(() => (globalThis as unknown as AttackerWindow).__attacker.relayed);
  }
}
