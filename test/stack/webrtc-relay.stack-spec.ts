// Headless Debian Chromium, trusting Caddy's local root CA through an NSS DB (no certificate
// errors ignored), loads a page through Caddy over HTTPS and connects two RTCPeerConnections
// with iceTransportPolicy 'relay' through coturn, both started from deploy/ by stack.ts. Runs
// twice: everything on 127.0.0.1, and with Chromium in a network namespace of its own reaching
// coturn and Caddy on 10.99.N.1 (the layout the full call test will use).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { runRelayProbe, startProbeServer, type ProbeServer } from './relay-probe.js';
import {
  startStack,
  Teardown,
  type Stack,
  type StackNetwork,
  launchStackChromium,
} from './stack.js';

for (const network of ['loopback', 'netns'] satisfies StackNetwork[]) {
  describe(`relay-only WebRTC in Chromium through coturn and Caddy (${network})`, () => {
    const teardown = new Teardown();
    let probe: ProbeServer;
    let stack: Stack;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      probe = await startProbeServer();
      teardown.add('probe server', () => probe.close());
      stack = await startStack({ network, upstream: `127.0.0.1:${probe.port}` });
      teardown.add('stack', () => stack.stop());
      browser = await launchStackChromium(stack, teardown);
      page = await browser.newPage();
      page.setDefaultTimeout(20_000);
    });

    afterAll(() => teardown.run());

    it('loads the page over HTTPS, trusting Caddy’s root CA', async () => {
      const response = await page.goto(`${stack.caddy.origin}/`);
      assert.ok(response, 'navigation produced a response');
      expect(response.status()).toBe(200);
      expect(await page.evaluate<boolean>('window.isSecureContext')).toBe(true);
      const security = await response.securityDetails();
      expect(security?.issuer ?? '').toMatch(/Caddy Local Authority/);
      // Caddy saw the browser's own address: inside the namespace, 10.99.N.2.
      const seen = probe.requests.filter((r) => r.url === '/').at(-1);
      expect(seen?.headers['x-forwarded-for']).toBe(stack.netns?.browserAddress ?? '127.0.0.1');
    });

    it('connects two peers with relay candidates only, and media and data flow', async () => {
      const { username, credential } = stack.coturn.mint('probe-user');
      const result = await runRelayProbe(page, [
        { urls: [stack.coturn.url], username, credential },
      ]);
      const detail = JSON.stringify(result, null, 2);
      assert.equal(result.state, 'connected', detail);
      assert.equal(result.message, 'hello over relay', detail);
      assert.ok(result.remoteTrack === 'audio' || result.remoteTrack === 'video', detail);
      const all = [...result.candidates.a, ...result.candidates.b];
      assert.ok(all.length >= 2, detail);
      for (const candidate of all) {
        expect(candidate).toMatch(
          new RegExp(` ${stack.coturn.relayIp.replace(/\./g, '\\.')} \\d+ typ relay `),
        );
      }
      assert.ok(result.selected, detail);
      const [low, high] = stack.coturn.relayRange;
      for (const end of [result.selected.local, result.selected.remote]) {
        assert.equal(end.type, 'relay', detail);
        assert.equal(end.address, stack.coturn.relayIp, detail);
        assert.ok(end.port >= low && end.port <= high, `relay port ${end.port} in ${low}-${high}`);
      }
      await stack.coturn.process.waitForOutput(
        new RegExp(`user <${username}>: incoming packet CHANNEL_BIND processed, success`),
        5_000,
      );
    });

    it('gets no relay candidate with a forged credential, so relay-only cannot connect', async () => {
      const { username } = stack.coturn.mint('forger');
      const result = await runRelayProbe(
        page,
        [{ urls: [stack.coturn.url], username, credential: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }],
        6_000,
      );
      const detail = JSON.stringify(result, null, 2);
      assert.notEqual(result.state, 'connected', detail);
      assert.deepEqual(result.candidates, { a: [], b: [] }, detail);
      assert.ok(
        result.candidateErrors.some((e) => / 401 /.test(e)),
        `a 401 from coturn was reported: ${detail}`,
      );
    });
  });
}
