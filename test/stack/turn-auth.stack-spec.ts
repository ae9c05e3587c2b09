// coturn, configured by deploy/turnserver.conf + deploy/coturn-entrypoint.sh exactly as the
// compose service is, accepts the TURN REST credentials the app mints (username
// "<unix-expiry>:<userId>", password base64(HMAC-SHA1(TURN_SECRET, username))) and refuses
// forged and expired ones; its peer deny list holds. Proved with coturn's own turnutils_uclient
// against turnutils_peer echo servers, all on loopback.
import { turnCredential, type TurnCredential } from '../../src/turn/turn-credentials.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BIN,
  DEPLOY_DIR,
  freeUdpRange,
  requireExecutable,
  run,
  startCoturn,
  startProcess,
  Teardown,
  type Coturn,
} from './stack.js';

// Characters that would break a naive sed substitution or a shell word.
const SECRET = 'stack/test+secret=&with|odd*chars';

interface UclientResult {
  code: number;
  output: string;
  sent: number;
  received: number;
}

describe('coturn from deploy/turnserver.conf accepts only valid TURN REST credentials', () => {
  const teardown = new Teardown();
  let coturn: Coturn;
  let peerPort: number;

  beforeAll(async () => {
    requireExecutable(BIN.uclient);
    requireExecutable(BIN.peer);
    coturn = await startCoturn({
      host: '127.0.0.1',
      secret: SECRET,
      realm: 'dialtone.test',
      // Relay to 127.0.0.1 only: re-allowed past the deny list the way a LAN range is.
      allowedPeerIps: ['127.0.0.1'],
      allowLoopbackPeers: true,
    });
    teardown.add('coturn', () => coturn.stop());
    [peerPort] = await freeUdpRange('127.0.0.1', 1);
    // Two UDP echo peers: one on the re-allowed address, one on a denied loopback address.
    for (const address of ['127.0.0.1', '127.0.0.2']) {
      const peer = startProcess(
        `turnutils_peer ${address}`,
        BIN.peer,
        ['-L', address, '-p', String(peerPort)],
        { PATH: process.env.PATH },
      );
      teardown.add(peer.name, () => peer.stop());
    }
  });

  afterAll(() => teardown.run());

  async function uclient(credential: TurnCredential, peer: string): Promise<UclientResult> {
    const result = await run(
      BIN.uclient,
      [
        ...['-p', String(coturn.port), '-u', credential.username, '-w', credential.credential],
        ...['-e', peer, '-r', String(peerPort), '-n', '5', '-m', '1', '-c', '127.0.0.1'],
      ],
      { timeoutMs: 30_000 },
    );
    const output = result.stdout + result.stderr;
    const totals = [...output.matchAll(/tot_send_msgs=(\d+), tot_recv_msgs=(\d+)/g)].at(-1);
    return {
      code: result.code,
      output,
      sent: totals === undefined ? 0 : Number(totals[1]),
      received: totals === undefined ? 0 : Number(totals[2]),
    };
  }

  it('fills the secret and realm from the environment, not from the committed file', () => {
    const committed = readFileSync(join(DEPLOY_DIR, 'turnserver.conf'), 'utf8');
    expect(committed).not.toMatch(/^\s*static-auth-secret/m);
    expect(committed).toMatch(/^use-auth-secret$/m);
    const filled = readFileSync(coturn.configPath, 'utf8');
    assert.ok(filled.startsWith(committed), 'the filled config starts with deploy/turnserver.conf');
    assert.ok(filled.includes(`\nstatic-auth-secret=${SECRET}\n`));
    assert.ok(filled.includes('\nrealm=dialtone.test\n'));
    assert.ok(filled.includes('\nallowed-peer-ip=127.0.0.1\n'));
  });

  it('allocates a relay for a fresh credential and relays to an allowed peer', async () => {
    const credential = turnCredential(SECRET, 'alice', 600, Date.now());
    const result = await uclient(credential, '127.0.0.1');
    assert.equal(result.code, 0, result.output);
    assert.ok(result.sent > 0, result.output);
    assert.equal(result.received, result.sent, 'every message came back through the relay');
    await coturn.process.waitForOutput(
      new RegExp(`user <${credential.username}>: incoming packet ALLOCATE processed, success`),
      5_000,
    );
  });

  /** coturn turns the credential away: no allocation, nothing relayed, and it says why. */
  async function assertRefused(credential: TurnCredential): Promise<void> {
    const result = await uclient(credential, '127.0.0.1');
    assert.notEqual(result.code, 0, result.output);
    expect(result.output).toMatch(/Cannot complete Allocation/);
    expect(result.received).toBe(0);
    await coturn.process.waitForOutput(
      new RegExp(`check_stun_auth: Cannot find credentials of user <${credential.username}>`),
      5_000,
    );
    assert.ok(
      !coturn.process
        .output()
        .includes(`user <${credential.username}>: incoming packet ALLOCATE processed, success`),
    );
  }

  it('refuses a credential signed with another secret', async () => {
    await assertRefused(turnCredential('not-the-secret', 'mallory', 600, Date.now()));
  });

  it('refuses an expired credential even though its HMAC is right', async () => {
    await assertRefused(turnCredential(SECRET, 'bob', -60, Date.now()));
  });

  it('keeps the relay away from denied addresses (127.0.0.2 is in the loopback deny range)', async () => {
    const credential = turnCredential(SECRET, 'carol', 600, Date.now());
    const result = await uclient(credential, '127.0.0.2');
    assert.notEqual(result.code, 0, result.output);
    expect(result.output).toMatch(/403 \(Forbidden IP\)/);
    expect(result.received).toBe(0);
    await coturn.process.waitForOutput(
      /A peer IP 127\.0\.0\.2 denied in the range: 127\.0\.0\.0-127\.255\.255\.255/,
      5_000,
    );
  });
});
