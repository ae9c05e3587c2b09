import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import {
  CallPushNotifier,
  type EndedRing,
  type PushedCall,
  type RingingCalls,
} from './call-push-notifier.js';
import { pushDeviceKey } from './push-device-key.js';
import type { PushPayload, RingEndReason } from './push-payload.js';
import { PushMetrics } from './push-metrics.js';
import { PushSender } from './push-sender.js';
import type { PushSubscriptionRecord } from './push-subscription.entity.js';
import { PushSubscriptions } from './push-subscriptions.service.js';

/** How long a `call_ended` waits at the push service for a device that is offline. */
const CALL_ENDED_TTL_SECONDS = 3600;
/** How long a `call_ended` may be retried: the notification it replaces is already stale. */
const CALL_ENDED_RETRY_MS = 30_000;
/** A ring the call core never ended (it should) is forgotten this long after it timed out. */
const FORGET_AFTER_MS = 60_000;

interface Ring {
  readonly call: PushedCall;
  /** The devices rung that still exist once their `call` message was sent. */
  readonly rung: Promise<PushSubscriptionRecord[]>;
  readonly forget: NodeJS.Timeout;
}

/**
 * Rings a callee's subscribed devices through Web Push and ends those rings. Everything runs in
 * the background: `ring` returns at once, each device is sent to in parallel, and a failure is
 * counted and logged, never thrown into signaling.
 */
@Injectable()
export class WebPushCallNotifier extends CallPushNotifier implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Push');
  private readonly rings = new Map<string, Ring>();
  private readonly pending = new Set<Promise<unknown>>();
  private calls: RingingCalls | undefined;

  constructor(
    private readonly subscriptions: PushSubscriptions,
    private readonly sender: PushSender,
    private readonly metrics: PushMetrics,
  ) {
    super();
  }

  canRing(username: string): Promise<boolean> {
    return this.subscriptions.hasAny(username);
  }

  async devicesOf(username: string): Promise<string[]> {
    return (await this.subscriptions.endpointsOf(username)).map(pushDeviceKey);
  }

  ring(call: PushedCall): void {
    if (this.rings.has(call.callId)) {
      return;
    }
    const rung = this.ringDevices(call).catch((error: unknown) => {
      this.logger.error(`call push for ${call.callId} failed: ${String(error)}`);
      return [];
    });
    void this.track(rung);
    const forget = setTimeout(
      () => this.rings.delete(call.callId),
      Math.max(0, call.expiresAt - Date.now()) + FORGET_AFTER_MS,
    );
    forget.unref();
    this.rings.set(call.callId, { call, rung, forget });
  }

  /**
   * The devices rung hear `call_ended`. A ring this instance started is ended after its `call`
   * messages went out (so that, with the same Topic, the end replaces the ring and never the
   * reverse). A ring started elsewhere (Redis: another instance ran the call_start) is known by
   * `ended`, read from the call record by the script that ended it — which runs on exactly one
   * instance, so the end is sent once.
   */
  ringEnded(callId: string, reason: RingEndReason, ended?: EndedRing): void {
    const ring = this.rings.get(callId);
    let devices: Promise<PushSubscriptionRecord[]>;
    if (ring) {
      this.rings.delete(callId);
      clearTimeout(ring.forget);
      devices = ring.rung;
    } else if (ended) {
      devices = this.subscribed(ended.to, ended.devices);
    } else {
      return;
    }
    const payload: PushPayload = { type: 'call_ended', callId, reason };
    void this.track(
      devices.then((rung) =>
        Promise.all(
          rung.map((device) =>
            this.deliver(device, payload, CALL_ENDED_TTL_SECONDS, Date.now() + CALL_ENDED_RETRY_MS),
          ),
        ),
      ),
    );
  }

  async isRinging(callId: string, username: string): Promise<boolean> {
    return (await this.calls?.isRinging(callId, username)) ?? false;
  }

  attach(calls: RingingCalls): void {
    this.calls = calls;
  }

  /**
   * A notification's Decline: the call core declines the call (as the callee's page would; its
   * end stops the callee's other devices ringing). False when the call is no longer ringing.
   */
  async decline(callId: string, username: string): Promise<boolean> {
    if (!this.calls || !(await this.isRinging(callId, username))) {
      return false;
    }
    if (!(await this.calls.decline(callId, username))) {
      return false;
    }
    this.ringEnded(callId, 'declined'); // a no-op once the call core's end has been heard
    return true;
  }

  async settled(): Promise<void> {
    while (this.pending.size > 0) {
      await Promise.allSettled([...this.pending]);
    }
  }

  /** Pushes already started finish (within their timeout) before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const ring of this.rings.values()) {
      clearTimeout(ring.forget);
    }
    await this.settled();
  }

  /** `username`'s subscriptions among `devices` (pushDeviceKeys): gone ones are left out. */
  private async subscribed(
    username: string,
    devices: readonly string[] | undefined,
  ): Promise<PushSubscriptionRecord[]> {
    const all = await this.subscriptions.ofUsername(username);
    if (!devices) {
      return all;
    }
    const wanted = new Set(devices);
    return all.filter((device) => wanted.has(pushDeviceKey(device.endpoint)));
  }

  private async ringDevices(call: PushedCall): Promise<PushSubscriptionRecord[]> {
    const devices = await this.subscribed(call.to, call.devices);
    if (devices.length === 0) {
      return [];
    }
    const displayName =
      call.from.displayName || (await this.subscriptions.displayNameOf(call.from.username));
    const payload: PushPayload = {
      type: 'call',
      callId: call.callId,
      from: { username: call.from.username, displayName },
      expiresAt: call.expiresAt,
    };
    const ttlSeconds = Math.max(1, Math.ceil((call.expiresAt - Date.now()) / 1000));
    const alive = await Promise.all(
      devices.map((device) => this.deliver(device, payload, ttlSeconds, call.expiresAt)),
    );
    return devices.filter((_device, index) => alive[index]);
  }

  /** Sends one message; false when the subscription turned out to be gone (and was removed). */
  private async deliver(
    device: PushSubscriptionRecord,
    payload: PushPayload,
    ttlSeconds: number,
    deadline: number,
  ): Promise<boolean> {
    const outcome = await this.sender.send(device, { payload, ttlSeconds, deadline });
    switch (outcome.result) {
      case 'sent':
        this.metrics.countSent(payload.type);
        await this.subscriptions.touch(device.id);
        return true;
      case 'gone':
        this.metrics.countExpired();
        await this.subscriptions.removeExpired(device.id);
        return false;
      case 'failed':
        this.metrics.countFailed(outcome.reason);
        this.logger.warn(
          `${payload.type} push to ${new URL(device.endpoint).host} failed: ${outcome.reason}`,
        );
        return true;
    }
  }

  /** Keeps the work in `pending` until it settles; a failure is logged, never thrown. */
  private async track(work: Promise<unknown>): Promise<void> {
    const settled = work.then(
      () => undefined,
      (error: unknown) => this.logger.error(`push failed: ${String(error)}`),
    );
    this.pending.add(settled);
    await settled;
    this.pending.delete(settled);
  }
}
