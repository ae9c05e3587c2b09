import type { UiKey } from '../../src/i18n/translation.js';
import { byId } from '../dom.js';
import type { Translator } from '../i18n/translator.js';

/** Past these, people notice: talk-over delay, frozen or smeared video, choppy sound. */
const POOR = { rttMs: 400, lossPercent: 5, framesPerSecond: 10 };
const INTERVAL_MS = 2000;

type Stats = Map<string, Record<string, unknown>> | RTCStatsReport;

export interface QualityFigures {
  codec: string;
  resolution: string;
  bitrateKbps: number;
  rttMs: number | undefined;
  /** Packets lost on the way here (the peer's side) and on the way there (this side), in %. */
  inboundLossPercent: number;
  outboundLossPercent: number;
  framesPerSecond: number | undefined;
  relayed: boolean | undefined;
}

/** Whose connection is poor: this side's sending path, or what arrives from the peer. */
export type PoorSide = 'self' | 'peer' | undefined;

interface Counters {
  at: number;
  bytes: number;
  received: number;
  lost: number;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/**
 * Reads the call's getStats every 2 s and shows a "poor connection" line only when it is bad
 * (whose side), with the figures in a panel that can be opened at any time during the call.
 */
export class CallQuality {
  private readonly indicator = byId('quality-indicator', HTMLElement);
  private readonly panel = byId('quality-details', HTMLDetailsElement);
  private readonly figures = byId('quality-figures', HTMLElement);
  private timer: number | undefined;
  private previous: Counters | undefined;
  private side: PoorSide;
  private peer = '';
  private last: QualityFigures | undefined;
  /** Whether the peer said it sends video, now and at the reading before. */
  private peerVideo: () => boolean = () => true;
  private peerVideoBefore = true;

  constructor(private readonly translator: Translator) {
    translator.onChange(() => this.render());
  }

  /** Starts reading (once per call: a connection that recovers keeps its readings going). */
  start(
    peer: string,
    stats: () => Promise<Stats> | undefined,
    peerVideo: () => boolean = () => true,
  ): void {
    if (this.timer !== undefined) {
      return;
    }
    this.peer = peer;
    this.peerVideo = peerVideo;
    this.peerVideoBefore = peerVideo();
    this.panel.hidden = false;
    this.timer = window.setInterval(() => {
      stats()
        ?.then((report) => this.update(report))
        .catch((error: unknown) => console.warn('call statistics unavailable', error));
    }, INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.previous = undefined;
    this.side = undefined;
    this.last = undefined;
    this.panel.hidden = true;
    this.panel.open = false;
    this.render();
  }

  private update(report: Stats): void {
    if (this.timer === undefined) {
      return; // the call ended while the statistics were being read
    }
    const figures = this.read(report);
    this.last = figures;
    const outgoingBad =
      figures.outboundLossPercent > POOR.lossPercent || (figures.rttMs ?? 0) > POOR.rttMs;
    // Few frames mean a poor connection only while the peer sends video, and not in the reading
    // that spans its camera going off or on (the rate falls, or climbs, for other reasons then).
    const videoNow = this.peerVideo();
    const framesCount = videoNow && this.peerVideoBefore;
    this.peerVideoBefore = videoNow;
    const incomingBad =
      figures.inboundLossPercent > POOR.lossPercent ||
      (framesCount &&
        figures.framesPerSecond !== undefined &&
        figures.framesPerSecond < POOR.framesPerSecond);
    this.side = outgoingBad ? 'self' : incomingBad ? 'peer' : undefined;
    this.render();
  }

  private read(report: Stats): QualityFigures {
    const all: Record<string, unknown>[] = [];
    report.forEach((entry: Record<string, unknown>) => all.push(entry));
    const byType = (type: string, kind?: string) =>
      all.filter((entry) => entry.type === type && (kind === undefined || entry.kind === kind));
    const video = byType('inbound-rtp', 'video')[0];
    const inbound = byType('inbound-rtp');
    const now = performance.now();
    const counters: Counters = {
      at: now,
      bytes: inbound.reduce((sum, entry) => sum + (num(entry.bytesReceived) ?? 0), 0),
      received: inbound.reduce((sum, entry) => sum + (num(entry.packetsReceived) ?? 0), 0),
      lost: inbound.reduce((sum, entry) => sum + (num(entry.packetsLost) ?? 0), 0),
    };
    const before = this.previous;
    this.previous = counters;
    const lost = before ? counters.lost - before.lost : 0;
    const received = before ? counters.received - before.received : 0;
    const seconds = before ? (now - before.at) / 1000 : 0;
    const pair = all.find(
      (entry) => entry.type === 'candidate-pair' && entry.nominated && entry.state === 'succeeded',
    );
    const local = all.find((entry) => entry.id === pair?.localCandidateId);
    const remote = all.find((entry) => entry.id === pair?.remoteCandidateId);
    const fractions = byType('remote-inbound-rtp').map((entry) => num(entry.fractionLost) ?? 0);
    const rtt = num(pair?.currentRoundTripTime);
    const codec = all.find((entry) => entry.id === video?.codecId);
    return {
      codec: typeof codec?.mimeType === 'string' ? codec.mimeType.replace(/^video\//, '') : '—',
      resolution: video?.frameWidth ? `${num(video.frameWidth)}×${num(video.frameHeight)}` : '—',
      bitrateKbps:
        seconds > 0
          ? Math.round(((counters.bytes - (before?.bytes ?? 0)) * 8) / seconds / 1000)
          : 0,
      rttMs: rtt === undefined ? undefined : Math.round(rtt * 1000),
      inboundLossPercent: lost + received > 0 ? (100 * lost) / (lost + received) : 0,
      outboundLossPercent: 100 * Math.max(0, ...fractions),
      framesPerSecond: num(video?.framesPerSecond),
      relayed: pair
        ? local?.candidateType === 'relay' || remote?.candidateType === 'relay'
        : undefined,
    };
  }

  private render(): void {
    const t = (key: UiKey, values?: Record<string, string>) =>
      this.translator.text({ key, values });
    this.indicator.hidden = this.side === undefined;
    this.indicator.dataset.side = this.side ?? '';
    this.indicator.textContent =
      this.side === 'self'
        ? t('poorConnectionSelf')
        : this.side === 'peer'
          ? t('poorConnectionPeer', { peer: this.peer })
          : '';
    byId('quality-summary', HTMLElement).textContent = t('connectionDetails');
    const f = this.last;
    const rows: [UiKey, string][] = f
      ? [
          ['qualityCodec', f.codec],
          ['qualityResolution', f.resolution],
          ['qualityBitrate', `${f.bitrateKbps} kbit/s`],
          ['qualityRtt', f.rttMs === undefined ? '—' : `${f.rttMs} ms`],
          [
            'qualityLoss',
            `${f.inboundLossPercent.toFixed(1)} % / ${f.outboundLossPercent.toFixed(1)} %`,
          ],
          [
            'qualityPath',
            f.relayed === undefined ? '—' : t(f.relayed ? 'qualityRelay' : 'qualityDirect'),
          ],
        ]
      : [];
    this.figures.replaceChildren(
      ...rows.flatMap(([label, value]) => {
        const term = document.createElement('dt');
        term.textContent = t(label);
        const detail = document.createElement('dd');
        detail.textContent = value;
        return [term, detail];
      }),
    );
  }
}
