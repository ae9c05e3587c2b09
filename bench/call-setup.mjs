// Call set-up on localhost: from bob's Accept click to the first decoded remote video frame, on
// both pages, over CALLS calls between two Chromium contexts; and the bytes the call page costs
// to load. Run with `npm run bench:call-setup` (builds first); writes bench/results/call-setup.json.
/* global document */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { CallPageDriver } from '../dist-test/test/browser/call-page-driver.js';
import { launchChromium } from '../dist-test/test/browser/chromium.js';
import { createUser, startTestApp } from '../dist-test/test/support/test-app.js';

const CALLS = 10;
const RESULTS = 'bench/results/call-setup.json';

// The same two people call each other CALLS times in a row: allow it (the ring-bombing limits
// would refuse the fifth call to the same callee within five minutes).
// The machine's load (1, 5, 15 min averages) before and after: the figures mean little on a busy one.
const loadBefore = loadavg();
const app = await startTestApp({
  CALL_STARTS_PER_CALLEE: String(CALLS),
  CALL_STARTS_PER_CALLER: String(CALLS),
});
const browser = await launchChromium();
try {
  const alice = await logIn('alice');
  const bob = await logIn('bob');
  const pageLoad = await measurePageLoad(bob);
  const callee = [];
  const caller = [];
  for (let call = 0; call < CALLS; call += 1) {
    const sample = await measureCall(alice, bob);
    callee.push(sample.callee);
    caller.push(sample.caller);
    console.log(`call ${call + 1}: callee ${sample.callee} ms, caller ${sample.caller} ms`);
  }
  const results = {
    measuredAt: new Date().toISOString(),
    chromium: browser.version(),
    node: process.version,
    calls: CALLS,
    loadAverage: { before: loadBefore.map(round1), after: loadavg().map(round1) },
    acceptToFirstRemoteFrameMs: { callee: summary(callee), caller: summary(caller) },
    callPageLoad: pageLoad,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results.acceptToFirstRemoteFrameMs), `page ${pageLoad.totalBytes} B`);
} finally {
  await browser.close();
  await app.close();
}

async function logIn(prefix) {
  const { username, password } = await createUser(app.baseUrl, prefix);
  const context = await browser.newContext();
  return CallPageDriver.logIn(context, app.baseUrl, { username, password });
}

/** Bytes on the wire (headers included) for a cold load of the page and what it fetches at once. */
async function measurePageLoad(driver) {
  const cdp = await driver.page.context().newCDPSession(driver.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const urls = new Map();
  const bytes = new Map();
  cdp.on('Network.requestWillBeSent', ({ requestId, request }) => urls.set(requestId, request.url));
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) =>
    bytes.set(requestId, encodedDataLength),
  );
  await driver.page.reload({ waitUntil: 'networkidle' });
  await cdp.detach();
  const resources = [...bytes].map(([id, size]) => ({
    path: new URL(urls.get(id)).pathname,
    bytes: size,
  }));
  return { totalBytes: resources.reduce((sum, r) => sum + r.bytes, 0), resources };
}

/** One call: alice dials, bob accepts; ms from the click to each side's first remote frame. */
async function measureCall(alice, bob) {
  await alice.dial(bob.account.username);
  await bob.incomingPanel.waitFor();
  const frames = [alice, bob].map((side) => side.page.evaluate(firstRemoteFrameAt));
  const clickedAt = bob.page.evaluate(acceptClickAt);
  await bob.page.getByRole('button', { name: 'Accept', exact: true }).click();
  const [callerFrame, calleeFrame] = await Promise.all(frames);
  const click = await clickedAt;
  await alice.hangUp();
  await Promise.all([alice.waitForCallState('idle'), bob.waitForCallState('idle')]);
  await sleep(200);
  return { callee: Math.round(calleeFrame - click), caller: Math.round(callerFrame - click) };
}

/** In the page: epoch ms when the remote video presents its next (here: first) frame. */
function firstRemoteFrameAt() {
  const video = document.getElementById('remote-video');
  return new Promise((resolve) =>
    video.requestVideoFrameCallback((now) => resolve(performance.timeOrigin + now)),
  );
}

/** In the page: epoch ms of the next click on Accept, as the page itself saw it. */
function acceptClickAt() {
  const button = document.getElementById('accept-button');
  return new Promise((resolve) =>
    button.addEventListener('click', () => resolve(performance.timeOrigin + performance.now()), {
      capture: true,
      once: true,
    }),
  );
}

function round1(value) {
  return Math.round(value * 10) / 10;
}

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
  return { median, max: sorted[sorted.length - 1], samples };
}
