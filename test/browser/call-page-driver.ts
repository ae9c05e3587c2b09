import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { matchLocale, TRANSLATIONS } from '../../src/i18n/locale.js';
import { eventually } from './eventually.js';
import {
  type ConnectionRecord,
  connectionHistory,
  inboundBytes,
  installProbe,
  localTrackStates,
  selectedPath,
  sentFrames,
  signalingSockets,
  type SelectedPath,
  type SocketRecord,
} from './probe.js';

/** Records every text the status line shows, however briefly, in `globalThis.statusSeen`: a string, since the test build has no DOM library. */
const WATCH_STATUS = `{
  const seen = (globalThis.statusSeen = []);
  const status = document.getElementById('status-text');
  new MutationObserver(() => seen.push(status.textContent)).observe(status, {
    childList: true,
    characterData: true,
    subtree: true,
  });
}`;

export interface Account {
  username: string;
  password: string;
}

interface ButtonLookup {
  document: { getElementById(id: string): { click(): void } | null };
}

interface VideoElement {
  videoWidth: number;
  currentTime: number;
}

/** One person's call page, driven the way they would: by labels and button names. */
export class CallPageDriver {
  private constructor(
    readonly page: Page,
    readonly account: Account,
  ) {}

  /** Logs in through the real login form in a fresh page of `context`. */
  static async logIn(
    context: BrowserContext,
    baseUrl: string,
    account: Account,
  ): Promise<CallPageDriver> {
    await context.addInitScript(installProbe);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/login`);
    return new CallPageDriver(page, account).submitLogin();
  }

  /** Another tab of an already logged-in browser. */
  static async openTab(context: BrowserContext, baseUrl: string, account: Account) {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/webrtc/${account.username}`);
    return new CallPageDriver(page, account).online();
  }

  /** On the login form (first visit, or sent back to it): logs in and waits for the call page. */
  async submitLogin(): Promise<this> {
    // The form is in the browser's language (Accept-Language), as its labels say.
    const lang = matchLocale(await this.page.locator('html').getAttribute('lang')) ?? 'en';
    const t = TRANSLATIONS[lang].account;
    await this.page.getByLabel(t.username).fill(this.account.username);
    await this.page.getByLabel(t.password).fill(this.account.password);
    await this.page.getByRole('button', { name: t.logIn }).click();
    await this.page.waitForURL(`**/webrtc/${this.account.username}`);
    return this.online();
  }

  get callButton(): Locator {
    return this.page.getByRole('button', { name: 'Call', exact: true });
  }

  get incomingPanel(): Locator {
    return this.page.getByRole('dialog', { name: 'Incoming call' });
  }

  /** The privacy switch: "Relay my calls through the TURN server". */
  get relaySwitch(): Locator {
    return this.page.getByLabel('Relay my calls through the TURN server');
  }

  async dial(username: string): Promise<void> {
    await this.page.getByLabel("Friend's account").fill(username);
    await this.callButton.click();
  }

  /** Clicks Call at an exact moment (ms since the epoch), so that two pages can dial at once. */
  async clickCallAt(epochMs: number): Promise<void> {
    await this.page.evaluate((at) => {
      const page = globalThis as unknown as ButtonLookup;
      setTimeout(() => page.document.getElementById('call-button')?.click(), at - Date.now());
    }, epochMs);
  }

  async accept(): Promise<number> {
    await this.incomingPanel.waitFor();
    const clickedAt = Date.now();
    await this.page.getByRole('button', { name: 'Accept', exact: true }).click();
    return clickedAt;
  }

  async reject(): Promise<void> {
    await this.incomingPanel.waitFor();
    // "Decline", the word the status line and history use (issue 20).
    await this.incomingPanel.getByRole('button', { name: 'Decline', exact: true }).click();
  }

  async hangUp(): Promise<void> {
    await this.page.getByRole('button', { name: 'Hang up' }).click();
  }

  statusText(): Promise<string> {
    return this.page.locator('#status-text').innerText();
  }

  /** From now on, records every text the status line shows, however briefly (statusesSeen). */
  async watchStatus(): Promise<void> {
    await this.page.evaluate(WATCH_STATUS);
  }

  /** Every text the status line showed since watchStatus(), in order. */
  statusesSeen(): Promise<string[]> {
    return this.page.evaluate<string[]>('globalThis.statusSeen');
  }

  async waitForStatus(expected: string, timeoutMs = 10_000): Promise<void> {
    await eventually(async () => assert.equal(await this.statusText(), expected), timeoutMs);
  }

  callState(): Promise<string | null> {
    return this.page.locator('#call-page').getAttribute('data-call-state');
  }

  async waitForCallState(expected: string, timeoutMs = 10_000): Promise<void> {
    await eventually(async () => assert.equal(await this.callState(), expected), timeoutMs);
  }

  /** The remote video has decoded frames and keeps playing. */
  async waitForRemoteVideo(timeoutMs = 10_000): Promise<void> {
    const video = this.page.getByLabel('Remote video');
    const read = () =>
      video.evaluate((element: VideoElement) => [element.videoWidth, element.currentTime]);
    await eventually(async () => {
      const [width, before] = await read();
      assert.ok(width > 0, `${this.account.username}: remote videoWidth is ${width}`);
      await sleep(300);
      const [, after] = await read();
      assert.ok(after > before, `${this.account.username}: remote video is not advancing`);
    }, timeoutMs);
  }

  /** The peer's `kind` keeps arriving: the bytes received grow within half a second. */
  async waitForInboundGrowing(kind: 'audio' | 'video', timeoutMs = 10_000): Promise<void> {
    await eventually(async () => {
      const before = await this.page.evaluate(inboundBytes, kind);
      await sleep(500);
      const after = await this.page.evaluate(inboundBytes, kind);
      assert.ok(
        after > before,
        `${this.account.username}: inbound ${kind} bytes ${before} -> ${after}`,
      );
    }, timeoutMs);
  }

  /** The current call's ICE configuration and selected candidate pair (getStats). */
  selectedPath(): Promise<SelectedPath> {
    return this.page.evaluate(selectedPath);
  }

  localTrackStates(): Promise<string[]> {
    return this.page.evaluate(localTrackStates);
  }

  /** The call's frames the page sent: the connection's own (protocol 2 ping, resume) left out. */
  async sentFrames(): Promise<{ at: number; type: string }[]> {
    const frames = await this.page.evaluate(sentFrames);
    return frames.filter((frame) => frame.type !== 'ping' && frame.type !== 'resume');
  }

  /** The connection indicator in the top bar, a live region: "Online", "Reconnecting in…". */
  get connectionIndicator(): Locator {
    return this.page.getByRole('status').and(this.page.locator('#connection'));
  }

  /** Waits until the indicator is in `state` (its data-state) and returns the text it shows. */
  async waitForConnection(state: string, timeoutMs = 10_000): Promise<string> {
    const indicator = this.connectionIndicator.and(this.page.locator(`[data-state="${state}"]`));
    await indicator.waitFor({ timeout: timeoutMs });
    return indicator.innerText();
  }

  /** Everything the indicator showed since the page loaded, however briefly. */
  connectionHistory(): Promise<ConnectionRecord[]> {
    return this.page.evaluate(connectionHistory);
  }

  /** The page's signaling WebSockets since it loaded, oldest first. */
  signalingSockets(): Promise<SocketRecord[]> {
    return this.page.evaluate(signalingSockets);
  }

  private async online(): Promise<this> {
    await this.waitForConnection('online');
    return this;
  }
}
