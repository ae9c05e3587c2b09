// Caddy, run from deploy/Caddyfile as the compose service runs it (DIALTONE_HOST an IP address,
// as on a LAN), in front of a stand-in upstream: HTTPS from its local CA that a client can trust
// with root.crt alone, HTTP -> HTTPS redirect, proxy headers, WebSocket upgrade on /signaling,
// and the admin endpoint the compose healthcheck polls.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type PeerCertificate } from 'node:tls';
import WebSocket from 'ws';
import { startProbeServer, type ProbeServer } from './relay-probe.js';
import { httpGet, startCaddy, Teardown, type Caddy } from './stack.js';

const HOST = '127.0.0.1';

function peerCertificate(port: number, ca: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    // No servername: like a browser opening https://<IP>/, the handshake carries no SNI.
    const socket = connect(
      { host: HOST, port, ca, rejectUnauthorized: true, timeout: 5_000 },
      () => {
        const cert = socket.getPeerCertificate(true);
        socket.end();
        resolve(cert);
      },
    );
    socket.on('timeout', () => socket.destroy(new Error('TLS handshake timed out')));
    socket.on('error', reject);
  });
}

describe('Caddy from deploy/Caddyfile', { timeout: 120_000 }, () => {
  const teardown = new Teardown();
  let upstream: ProbeServer;
  let caddy: Caddy;

  before(async () => {
    upstream = await startProbeServer();
    teardown.add('upstream', () => upstream.close());
    caddy = await startCaddy({ host: HOST, bind: HOST, upstream: `127.0.0.1:${upstream.port}` });
    teardown.add('caddy', () => caddy.stop());
  });

  after(() => teardown.run());

  it('serves HTTPS for an IP address with a certificate its own root CA vouches for', async () => {
    const res = await httpGet(`${caddy.origin}/health`, { ca: caddy.rootCa });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { status: 'ok' });
    const cert = await peerCertificate(caddy.httpsPort, caddy.rootCa);
    assert.match(cert.subjectaltname ?? '', /IP Address:127\.0\.0\.1/);
    assert.match(String(cert.issuer.CN), /Caddy Local Authority/);
  });

  it('is not trusted without that root certificate (real verification, nothing ignored)', async () => {
    await assert.rejects(httpGet(`${caddy.origin}/health`), (error: NodeJS.ErrnoException) => {
      assert.match(
        String(error.code),
        /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
      );
      return true;
    });
  });

  it('redirects plain HTTP to HTTPS, keeping path and query', async () => {
    const res = await httpGet(`${caddy.httpOrigin}/webrtc/alice?x=1`);
    assert.equal(res.status, 308);
    const location = new URL(String(res.headers.location));
    assert.equal(location.protocol, 'https:');
    assert.equal(location.hostname, HOST);
    assert.equal(location.pathname + location.search, '/webrtc/alice?x=1');
    // Caddy leaves the port out (it assumes 443); in compose HTTPS is on 443, here it is not.
  });

  it('passes the client address, scheme and host to the app in X-Forwarded-* headers', async () => {
    const res = await httpGet(`${caddy.origin}/headers`, {
      ca: caddy.rootCa,
      headers: { 'X-Forwarded-For': '203.0.113.9' },
    });
    const headers = JSON.parse(res.body) as Record<string, string>;
    assert.equal(headers['x-forwarded-proto'], 'https');
    // A client-supplied X-Forwarded-For is replaced, not trusted.
    assert.equal(headers['x-forwarded-for'], HOST);
    assert.equal(headers.host, `${HOST}:${caddy.httpsPort}`);
  });

  it('proxies the WebSocket upgrade on /signaling', async () => {
    const ws = new WebSocket(`wss://${HOST}:${caddy.httpsPort}/signaling`, {
      ca: caddy.rootCa,
      origin: caddy.origin,
      handshakeTimeout: 5_000,
    });
    try {
      const echoed = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no echo within 5 s')), 5_000);
        ws.once('error', reject);
        ws.once('open', () => ws.send(JSON.stringify({ type: 'ping' })));
        ws.once('message', (data: WebSocket.RawData) => {
          clearTimeout(timer);
          const bytes = Array.isArray(data)
            ? Buffer.concat(data)
            : Buffer.isBuffer(data)
              ? data
              : Buffer.from(new Uint8Array(data));
          resolve(bytes.toString('utf8'));
        });
      });
      assert.deepEqual(JSON.parse(echoed), { type: 'ping' });
    } finally {
      ws.terminate();
    }
    const upgrade = upstream.requests.find((r) => r.url === 'ws:/signaling');
    assert.ok(upgrade, 'the upstream saw the upgrade');
    assert.equal(upgrade.headers['x-forwarded-proto'], 'https');
    assert.equal(upgrade.headers.origin, caddy.origin);
  });

  it('answers the admin request the compose healthcheck makes', async () => {
    const res = await httpGet(`http://${caddy.admin}/reverse_proxy/upstreams`);
    assert.equal(res.status, 200);
    const upstreams = JSON.parse(res.body) as { address: string }[];
    assert.deepEqual(
      upstreams.map((u) => u.address),
      [`127.0.0.1:${upstream.port}`],
    );
  });
});
