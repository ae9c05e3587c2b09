// Caddy, run from deploy/Caddyfile as the compose service runs it (DIALTONE_HOST an IP address,
// as on a LAN), in front of a stand-in upstream: HTTPS from its local CA that a client can trust
// with root.crt alone, HTTP -> HTTPS redirect, proxy headers, WebSocket upgrade on /signaling,
// and the admin endpoint the compose healthcheck polls.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startProbeServer, type ProbeServer } from './relay-probe.js';
import { httpGet, peerCertificate, startCaddy, Teardown, type Caddy } from './stack.js';

const HOST = '127.0.0.1';

describe('Caddy from deploy/Caddyfile', () => {
  const teardown = new Teardown();
  let upstream: ProbeServer;
  let caddy: Caddy;

  beforeAll(async () => {
    upstream = await startProbeServer();
    teardown.add('upstream', () => upstream.close());
    caddy = await startCaddy({ host: HOST, bind: HOST, upstream: `127.0.0.1:${upstream.port}` });
    teardown.add('caddy', () => caddy.stop());
  });

  afterAll(() => teardown.run());

  it('serves HTTPS for an IP address with a certificate its own root CA vouches for', async () => {
    const res = await httpGet(`${caddy.origin}/health`, { ca: caddy.rootCa });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toStrictEqual({ status: 'ok' });
    const cert = await peerCertificate(HOST, caddy.httpsPort, caddy.rootCa);
    expect(cert.subjectaltname ?? '').toMatch(/IP Address:127\.0\.0\.1/);
    expect(String(cert.issuer.CN)).toMatch(/Caddy Local Authority/);
  });

  it('is not trusted without that root certificate (real verification, nothing ignored)', async () => {
    await assert.rejects(httpGet(`${caddy.origin}/health`), (error: NodeJS.ErrnoException) => {
      expect(String(error.code)).toMatch(
        /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
      );
      return true;
    });
  });

  it('redirects plain HTTP to HTTPS, keeping path and query', async () => {
    const res = await httpGet(`${caddy.httpOrigin}/webrtc/alice?x=1`);
    expect(res.status).toBe(308);
    const location = new URL(String(res.headers.location));
    expect(location.protocol).toBe('https:');
    expect(location.hostname).toBe(HOST);
    expect(location.pathname + location.search).toBe('/webrtc/alice?x=1');
    // Caddy leaves the port out (it assumes 443); in compose HTTPS is on 443, here it is not.
  });

  it('passes the client address, scheme and host to the app in X-Forwarded-* headers', async () => {
    const res = await httpGet(`${caddy.origin}/headers`, {
      ca: caddy.rootCa,
      headers: { 'X-Forwarded-For': '203.0.113.9' },
    });
    const headers = JSON.parse(res.body) as Record<string, string>;
    expect(headers['x-forwarded-proto']).toBe('https');
    // A client-supplied X-Forwarded-For is replaced, not trusted.
    expect(headers['x-forwarded-for']).toBe(HOST);
    expect(headers.host).toBe(`${HOST}:${caddy.httpsPort}`);
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
      expect(JSON.parse(echoed)).toStrictEqual({ type: 'ping' });
    } finally {
      ws.terminate();
    }
    const upgrade = upstream.requests.find((r) => r.url === 'ws:/signaling');
    assert.ok(upgrade, 'the upstream saw the upgrade');
    expect(upgrade.headers['x-forwarded-proto']).toBe('https');
    expect(upgrade.headers.origin).toBe(caddy.origin);
  });

  it('answers the admin request the compose healthcheck makes', async () => {
    const res = await httpGet(`http://${caddy.admin}/reverse_proxy/upstreams`);
    expect(res.status).toBe(200);
    const upstreams = JSON.parse(res.body) as { address: string }[];
    expect(upstreams.map((u) => u.address)).toStrictEqual([`127.0.0.1:${upstream.port}`]);
  });
});
