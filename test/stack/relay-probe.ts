// Relay-only WebRTC probe for Chromium: a page that connects two RTCPeerConnections to each
// other with iceTransportPolicy 'relay' (so through TURN only), with fake camera/microphone
// tracks and a data channel, and reports which candidates it used. The page is served by a tiny
// HTTP server on 127.0.0.1, meant to sit behind Caddy (getUserMedia needs a secure context,
// which the HTTPS origin gives) until the app's own call page exists.
import { createServer, type Server } from 'node:http';
import type { Page } from 'playwright-core';
import { WebSocketServer } from 'ws';

export interface IceServer {
  urls: string[];
  username: string;
  credential: string;
}

export interface ProbeCandidate {
  type: string;
  address: string;
  port: number;
  protocol: string;
  relayProtocol?: string;
}

export interface RelayProbeResult {
  /** 'connected', 'failed', or 'timeout' when neither happened in time. */
  state: string;
  /** The data channel message peer B received ('hello over relay' when it worked). */
  message: string | null;
  /** Kind of the first remote track peer B received. */
  remoteTrack: string | null;
  candidates: { a: string[]; b: string[] };
  candidateErrors: string[];
  selected: { local: ProbeCandidate; remote: ProbeCandidate } | null;
}

const PROBE_SCRIPT = String.raw`
window.runRelayProbe = async (iceServers, timeoutMs) => {
  const config = { iceServers, iceTransportPolicy: 'relay' };
  const a = new RTCPeerConnection(config);
  const b = new RTCPeerConnection(config);
  const candidates = { a: [], b: [] };
  const candidateErrors = [];
  const wire = (from, to, name) => {
    from.onicecandidate = (e) => {
      if (e.candidate) {
        candidates[name].push(e.candidate.candidate);
        to.addIceCandidate(e.candidate).catch((err) => candidateErrors.push(name + ' add: ' + err));
      }
    };
    from.onicecandidateerror = (e) =>
      candidateErrors.push(name + ' ' + e.url + ' ' + e.errorCode + ' ' + e.errorText);
  };
  wire(a, b, 'a');
  wire(b, a, 'b');
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  for (const track of stream.getTracks()) a.addTrack(track, stream);
  const channel = a.createDataChannel('probe');
  const opened = new Promise((resolve) => (channel.onopen = resolve));
  const received = new Promise((resolve) => {
    b.ondatachannel = (e) => (e.channel.onmessage = (m) => resolve(String(m.data)));
  });
  const remoteTrack = new Promise((resolve) => (b.ontrack = (e) => resolve(e.track.kind)));
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  await a.setRemoteDescription(b.localDescription);
  const state = await Promise.race([
    new Promise((resolve) => {
      const check = () => {
        if (a.connectionState === 'connected' || a.connectionState === 'failed') resolve(a.connectionState);
      };
      a.onconnectionstatechange = check;
      check();
    }),
    new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs)),
  ]);
  let message = null;
  let track = null;
  let selected = null;
  if (state === 'connected') {
    const within = (p) => Promise.race([p, new Promise((r) => setTimeout(() => r(null), 5000))]);
    if ((await within(opened)) !== null) {
      channel.send('hello over relay');
      message = await within(received);
    }
    track = await within(remoteTrack);
    const stats = await a.getStats();
    const pick = (c) => ({
      type: c.candidateType, address: c.address, port: c.port, protocol: c.protocol,
      relayProtocol: c.relayProtocol,
    });
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) {
        const pair = stats.get(s.selectedCandidatePairId);
        selected = { local: pick(stats.get(pair.localCandidateId)), remote: pick(stats.get(pair.remoteCandidateId)) };
      }
    });
  }
  a.close();
  b.close();
  stream.getTracks().forEach((t) => t.stop());
  return { state, message, remoteTrack: track, candidates, candidateErrors, selected };
};
`;

export const PROBE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>relay probe</title></head>
<body><p>relay probe</p><script>${PROBE_SCRIPT}</script></body></html>`;

export interface ProbeServer {
  port: number;
  /** Requests seen, with the headers the proxy added. */
  requests: { url: string; headers: Record<string, string | string[] | undefined> }[];
  close(): Promise<void>;
}

/**
 * A stand-in upstream for Caddy on 127.0.0.1: GET / serves the probe page, GET /health answers
 * {"status":"ok"}, /headers echoes the request headers, and WebSocket upgrades on /signaling
 * echo every message back.
 */
export function startProbeServer(): Promise<ProbeServer> {
  const requests: ProbeServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (req.url === '/headers') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers));
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PROBE_PAGE);
    }
  });
  const wss = new WebSocketServer({ server, path: '/signaling' });
  wss.on('connection', (socket, req) => {
    requests.push({ url: `ws:${req.url ?? ''}`, headers: req.headers });
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({
        port,
        requests,
        close: () =>
          new Promise<void>((done) => {
            for (const client of wss.clients) {
              client.terminate();
            }
            wss.close();
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * Defines window.runRelayProbe in any page, e.g. the app's own login page (Playwright evaluates
 * over the DevTools protocol, which the page's Content-Security-Policy does not restrict).
 */
export async function installRelayProbe(page: Page): Promise<void> {
  await page.evaluate(PROBE_SCRIPT);
}

interface ProbeWindow {
  runRelayProbe(iceServers: IceServer[], timeoutMs: number): Promise<RelayProbeResult>;
}

/** Runs the probe in a page that has loaded PROBE_PAGE or had installRelayProbe. */
export async function runRelayProbe(
  page: Page,
  iceServers: IceServer[],
  timeoutMs = 15_000,
): Promise<RelayProbeResult> {
  return page.evaluate(
    ([servers, ms]) => (globalThis as unknown as ProbeWindow).runRelayProbe(servers, ms),
    [iceServers, timeoutMs] as const,
  );
}
