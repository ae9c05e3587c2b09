// Issue 21: `call_start` → the notification shown by Firefox's service worker, with a real
// browser push stack: Firefox ESR subscribed (through the call page's switch) to a local stand-in
// of Mozilla's push service, no call page open. BENCH_ROUNDS (10) calls from a caller's socket;
// "shown" is when a Dialtone page that is not a call page (/offline) first lists the call's
// notification (polled every 10 ms over WebDriver BiDi, which adds up to that much). Each call is
// then cancelled. Uses the compiled test support (dist-test), as bench:call-setup does.
// Run: npm run bench:push-firefox  (results in bench/results/push-firefox.json)
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  launchPushFirefox,
  shownNotifications,
  subscribeToPush,
} from '../dist-test/test/browser/firefox-push.js';
import { startMockAutopush } from '../dist-test/test/support/mock-autopush.js';
import { SignalingClient } from '../dist-test/test/support/signaling-client.js';
import { createUser, startTestApp } from '../dist-test/test/support/test-app.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check, timeoutMs = 20_000, intervalMs = 10) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error('timed out');
    }
    await sleep(intervalMs);
  }
}

const autopush = await startMockAutopush();
const app = await startTestApp({
  PUSH_ALLOWED_ENDPOINTS: autopush.origin,
  CALL_COOLDOWN: '1',
  CALL_STARTS_PER_CALLEE: '1000',
});
const firefox = await launchPushFirefox(autopush);
try {
  const bob = await createUser(app.baseUrl, 'bob', 'Bob');
  await subscribeToPush(firefox, app.baseUrl, bob, autopush);
  await firefox.navigate(`${app.baseUrl}/offline`);
  const alice = await createUser(app.baseUrl, 'alice', 'Alice');
  const ws = await SignalingClient.connect(app.baseUrl, alice.token);
  const shownMs = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const sentAt = performance.now();
    ws.send({ type: 'call_start', toUser: bob.username });
    const { callId } = await ws.next('ringing');
    await until(async () =>
      (await shownNotifications(firefox, callId)).some((n) => n.requireInteraction),
    );
    shownMs.push(performance.now() - sentAt);
    ws.send({ type: 'hangup', toUser: bob.username, callId });
    await sleep(1100); // CALL_COOLDOWN after a cancel
  }
  ws.close();
  const sorted = [...shownMs].sort((a, b) => a - b);
  const results = {
    date: new Date().toISOString(),
    rounds: ROUNDS,
    cpus: cpus().length,
    loadAtEnd: loadavg()[0],
    callStartToNotificationShownMs: {
      median: Math.round(sorted[Math.floor(sorted.length / 2)]),
      max: Math.round(sorted.at(-1)),
      all: shownMs.map(Math.round),
    },
  };
  writeFileSync('bench/results/push-firefox.json', JSON.stringify(results, null, 2) + '\n');
  console.log(JSON.stringify(results, null, 2));
} finally {
  await firefox.close();
  await app.close();
  await autopush.close();
}
