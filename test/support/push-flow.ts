// Issue 21, Web Push: the subscription API, the endpoint allowlist, and the CallPushNotifier (the
// seam the call rules ring through) against a real push service stand-in (web-push-testing),
// which checks VAPID and decrypts every message. Run on SQLite (push.e2e-spec.ts) and PostgreSQL
// (push.int-spec.ts).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AccountDataDto } from '../../src/account/dto/account.dto.js';
import type { PushDeviceDto } from '../../src/push/dto/push-subscription.dto.js';
import { CallPushNotifier } from '../../src/push/call-push-notifier.js';
import type { CallPushPayload } from '../../src/push/push-payload.js';
import { call } from './http.js';
import { type LocalPushService, startPushService } from './push-service.js';
import { createUser, type TestApp, type TestUser } from './test-app.js';

const METRICS_TOKEN = 'push-e2e-metrics-token-0123456789';
const RING_MS = 4000;

export function describePushFlow(
  title: string,
  start: (env: Record<string, string>) => Promise<TestApp>,
): void {
  describe(title, () => {
    let push: LocalPushService;
    let app: TestApp;
    let publicKey: string;
    const base = () => app.baseUrl;
    const notifier = () => app.app.get(CallPushNotifier);

    beforeAll(async () => {
      push = await startPushService();
      app = await start({
        PUSH_ALLOWED_ENDPOINTS: push.origin,
        PUSH_MAX_SUBSCRIPTIONS: '3',
        METRICS_TOKEN,
      });
      publicKey = (await call(base(), 'GET', '/push/vapid-public-key')).json<{
        publicKey: string;
      }>().publicKey;
    });
    afterAll(async () => {
      await app.close();
      await push.close();
    });

    /** A browser of `user` subscribed at the push service and registered with Dialtone. */
    async function device(user: TestUser, userAgent = 'Mozilla/5.0 Firefox/153.0') {
      const { subscription, clientHash } = await push.subscribe(publicKey);
      const reply = await call(base(), 'POST', '/push/subscriptions', {
        token: user.token,
        json: subscription,
        headers: { 'user-agent': userAgent },
      });
      expect(reply.status).toBe(201);
      return { subscription, clientHash };
    }

    const devices = async (user: TestUser) =>
      (await call(base(), 'GET', '/push/subscriptions', { token: user.token })).json<
        PushDeviceDto[]
      >();

    const ringing = (to: TestUser, from = 'alice'): CallPushPayload & { to: string } => ({
      type: 'call',
      callId: randomUUID(),
      from: { username: from, displayName: 'Alice Liddell' },
      to: to.username,
      expiresAt: Date.now() + RING_MS,
    });

    const ring = async (call: ReturnType<typeof ringing>) => {
      const { type: _type, ...pushed } = call;
      notifier().ring(pushed);
      await notifier().settled();
    };

    describe('the API', () => {
      it('GET /push/vapid-public-key: the base64url P-256 key browsers subscribe with', () => {
        expect(publicKey).toMatch(/^B[\w-]{86}$/);
      });

      it('POST stores the browser’s toJSON() (201), the same endpoint again refreshes it (200)', async () => {
        const bob = await createUser(base(), 'bob');
        const { subscription } = await device(bob);
        const again = await call(base(), 'POST', '/push/subscriptions', {
          token: bob.token,
          json: { ...subscription, expirationTime: null },
          headers: { 'user-agent': 'Mozilla/5.0 Firefox/153.0' },
        });
        expect(again.status).toBe(200);
        const listed = await devices(bob);
        expect(listed).toStrictEqual([
          {
            id: expect.any(String),
            userAgent: 'Mozilla/5.0 Firefox/153.0',
            pushService: push.origin,
            createdAt: expect.any(String),
            lastUsedAt: expect.any(String),
          },
        ]);
        // Listed in the account's data; the endpoint itself (a capability) is not shown.
        const data = (
          await call(base(), 'GET', '/users/me/data', { token: bob.token })
        ).json<AccountDataDto>();
        expect(data.pushDevices).toStrictEqual(listed);
      });

      it('an endpoint another account had moves to the one that subscribed last', async () => {
        const [bob, carol] = [await createUser(base(), 'bob'), await createUser(base(), 'carol')];
        const { subscription } = await device(bob);
        const moved = await call(base(), 'POST', '/push/subscriptions', {
          token: carol.token,
          json: subscription,
        });
        expect(moved.status).toBe(200);
        expect(await devices(bob)).toStrictEqual([]);
        expect(await devices(carol)).toHaveLength(1);
      });

      it('keeps at most PUSH_MAX_SUBSCRIPTIONS devices: the oldest gives way', async () => {
        const bob = await createUser(base(), 'bob');
        const first = await device(bob, 'first');
        for (const agent of ['second', 'third', 'fourth']) {
          await device(bob, agent);
        }
        const agents = (await devices(bob)).map((d) => d.userAgent);
        expect(agents).toStrictEqual(['fourth', 'third', 'second']);
        await ring(ringing(bob));
        expect(await push.messages(first.clientHash)).toStrictEqual([]);
      });

      it('DELETE with {endpoint} removes it (204), and again (204); Remove by id from the account page', async () => {
        const bob = await createUser(base(), 'bob');
        const { subscription } = await device(bob);
        for (let i = 0; i < 2; i += 1) {
          const reply = await call(base(), 'DELETE', '/push/subscriptions', {
            token: bob.token,
            json: { endpoint: subscription.endpoint },
          });
          expect(reply.status).toBe(204);
        }
        expect(await devices(bob)).toStrictEqual([]);
        await device(bob);
        const [listed] = await devices(bob);
        const carol = await createUser(base(), 'carol');
        const path = `/push/subscriptions/${listed.id}`;
        expect((await call(base(), 'DELETE', path, { token: carol.token })).status).toBe(404);
        expect((await call(base(), 'DELETE', path, { token: bob.token })).status).toBe(204);
        expect(await devices(bob)).toStrictEqual([]);
      });

      it('refuses endpoints that are not the allowed push service (400), and says why', async () => {
        const bob = await createUser(base(), 'bob');
        const { subscription } = await push.subscribe(publicKey);
        const port = new URL(push.origin).port;
        for (const endpoint of [
          'https://evil.example/push/1',
          `http://127.0.0.1:${port}/notify/x`,
          'http://169.254.169.254/latest/meta-data',
          `http://localhost:${Number(port) + 1}/notify/x`,
          'https://fcm.googleapis.com/fcm/send/x', // the list was replaced, not extended
          'file:///etc/passwd',
        ]) {
          const reply = await call(base(), 'POST', '/push/subscriptions', {
            token: bob.token,
            json: { ...subscription, endpoint },
          });
          expect([endpoint, reply.status]).toStrictEqual([endpoint, 400]);
          expect(reply.json().message).toMatch(/^This push service is not allowed: endpoint/);
        }
        expect(await devices(bob)).toStrictEqual([]);
      });

      it('refuses bad bodies (400), strangers (401), other sites (403) and non-JSON (415)', async () => {
        const bob = await createUser(base(), 'bob');
        const { subscription } = await push.subscribe(publicKey);
        const post = (options: Parameters<typeof call>[3]) =>
          call(base(), 'POST', '/push/subscriptions', options);
        for (const json of [
          { ...subscription, keys: { p256dh: 'short', auth: subscription.keys.auth } },
          { ...subscription, keys: undefined },
          { ...subscription, endpoint: 42 },
          { ...subscription, extra: true },
          { ...subscription, expirationTime: 'soon' },
        ]) {
          expect((await post({ token: bob.token, json })).status).toBe(400);
        }
        expect((await post({ json: subscription })).status).toBe(401);
        const crossSite = await post({
          cookie: bob.token,
          json: subscription,
          headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
        });
        expect(crossSite.status).toBe(403);
        const form = await post({ cookie: bob.token, form: { endpoint: subscription.endpoint } });
        expect(form.status).toBe(415);
        // The page's own way: cookie, same origin.
        const own = await post({
          cookie: bob.token,
          json: subscription,
          headers: { origin: base(), 'sec-fetch-site': 'same-origin' },
        });
        expect(own.status).toBe(201);
      });

      it('a password change keeps the devices; deleting the account deletes them', async () => {
        const bob = await createUser(base(), 'bob');
        await device(bob);
        const changed = await call(base(), 'POST', '/users/me/password', {
          token: bob.token,
          json: { currentPassword: bob.password, newPassword: 'another horse battery' },
        });
        expect(changed.status).toBe(200);
        const token = changed.json<{ accessToken: string }>().accessToken;
        expect(await devices({ ...bob, token })).toHaveLength(1);
        const deleted = await call(base(), 'DELETE', '/users/me', {
          token,
          json: { password: 'another horse battery' },
        });
        expect(deleted.status).toBe(204);
        expect(await notifier().canRing(bob.username)).toBe(false);
      });
    });

    describe('ringing through the CallPushNotifier', () => {
      it('canRing: only an account with a subscribed device', async () => {
        const [bob, carol] = [await createUser(base(), 'bob'), await createUser(base(), 'carol')];
        await device(bob);
        expect(await notifier().canRing(bob.username)).toBe(true);
        expect(await notifier().canRing(carol.username)).toBe(false);
        expect(await notifier().canRing('nobody-here')).toBe(false);
      });

      it('sends exactly one decryptable `call` message per device, with TTL, Urgency and Topic', async () => {
        const bob = await createUser(base(), 'bob');
        const [phone, laptop] = [await device(bob), await device(bob)];
        const before = push.requests.length;
        const rung = ringing(bob);
        await ring(rung);
        const { to: _to, ...payload } = rung;
        expect(await push.messages(phone.clientHash)).toStrictEqual([payload]);
        expect(await push.messages(laptop.clientHash)).toStrictEqual([payload]);
        const sent = push.requests.slice(before);
        expect(sent.map((r) => r.path).sort()).toStrictEqual(
          [`/notify/${phone.clientHash}`, `/notify/${laptop.clientHash}`].sort(),
        );
        for (const request of sent) {
          expect(request.status).toBe(201);
          expect(request.headers['x-content-encoding']).toBe('aes128gcm');
          expect(request.headers.urgency).toBe('high');
          expect(request.headers.topic).toBe(rung.callId.replaceAll('-', ''));
          expect(Number(request.headers.ttl)).toBeGreaterThanOrEqual(RING_MS / 1000 - 1);
          expect(Number(request.headers.ttl)).toBeLessThanOrEqual(RING_MS / 1000);
          expect(request.headers.authorization).toMatch(/^vapid t=.+, k=/);
        }
      });

      it('ringEnded sends `call_ended` with the same Topic to every rung device, once', async () => {
        const bob = await createUser(base(), 'bob');
        const { clientHash } = await device(bob);
        const rung = ringing(bob);
        await ring(rung);
        notifier().ringEnded(rung.callId, 'timeout');
        notifier().ringEnded(rung.callId, 'timeout');
        await notifier().settled();
        const messages = await push.messages(clientHash);
        expect(messages).toHaveLength(2);
        expect(messages[1]).toStrictEqual({
          type: 'call_ended',
          callId: rung.callId,
          reason: 'timeout',
        });
        const topics = push.requests
          .filter((r) => r.path === `/notify/${clientHash}`)
          .map((r) => r.headers.topic);
        expect(topics).toStrictEqual([
          rung.callId.replaceAll('-', ''),
          rung.callId.replaceAll('-', ''),
        ]);
      });

      it('an expired subscription (410) is removed and counted; the others still ring', async () => {
        const bob = await createUser(base(), 'bob');
        const [gone, kept] = [await device(bob), await device(bob)];
        await push.expire(gone.clientHash);
        await ring(ringing(bob));
        expect(await push.messages(kept.clientHash)).toHaveLength(1);
        expect(await devices(bob)).toHaveLength(1);
        const metrics = await call(base(), 'GET', '/metrics', { token: METRICS_TOKEN });
        expect(metrics.text).toMatch(/^dialtone_push_subscriptions_expired_total [1-9]/m);
        expect(metrics.text).toMatch(/^dialtone_push_sent_total\{type="call"\} [1-9]/m);
      });

      it('a ring to an account without devices sends nothing', async () => {
        const carol = await createUser(base(), 'carol');
        const before = push.requests.length;
        await ring(ringing(carol));
        expect(push.requests.length).toBe(before);
      });
    });

    describe('POST /calls/<callId>/decline (a notification’s Decline)', () => {
      it('declines a call ringing this account by push, through the call core’s handler', async () => {
        const [bob, phone, laptop] = await (async () => {
          const user = await createUser(base(), 'bob');
          return [user, await device(user), await device(user)] as const;
        })();
        const declined: [string, string][] = [];
        const rung = ringing(bob);
        // The call core's side (a real call is declined in push-ringing.e2e-spec.ts): this one
        // call rings bob until it is declined.
        const ringingCalls = new Set([`${rung.callId} ${bob.username}`]);
        notifier().attach({
          isRinging: (callId, callee) => ringingCalls.has(`${callId} ${callee}`),
          decline: (callId, callee) => {
            declined.push([callId, callee]);
            return ringingCalls.delete(`${callId} ${callee}`);
          },
        });
        await ring(rung);
        const path = `/calls/${rung.callId}/decline`;
        const carol = await createUser(base(), 'carol');
        expect((await call(base(), 'POST', path, { token: carol.token })).status).toBe(404);
        const crossSite = await call(base(), 'POST', path, {
          cookie: bob.token,
          headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
        });
        expect(crossSite.status).toBe(403);
        const reply = await call(base(), 'POST', path, {
          cookie: bob.token,
          headers: { origin: base(), 'sec-fetch-site': 'same-origin' },
        });
        expect(reply.status).toBe(204);
        expect(declined).toStrictEqual([[rung.callId, bob.username]]);
        await notifier().settled();
        for (const { clientHash } of [phone, laptop]) {
          expect((await push.messages(clientHash)).at(-1)).toStrictEqual({
            type: 'call_ended',
            callId: rung.callId,
            reason: 'declined',
          });
        }
        // Declined once: the call is no longer ringing.
        const again = await call(base(), 'POST', path, { token: bob.token });
        expect([again.status, again.json().message]).toStrictEqual([
          404,
          'This call is no longer ringing',
        ]);
      });

      it('404 for a call that is not ringing, 400 for a malformed id, 401 without a login', async () => {
        const bob = await createUser(base(), 'bob');
        const unknown = await call(base(), 'POST', `/calls/${randomUUID()}/decline`, {
          token: bob.token,
        });
        expect(unknown.status).toBe(404);
        expect(
          (await call(base(), 'POST', '/calls/not-a-uuid/decline', { token: bob.token })).status,
        ).toBe(400);
        expect((await call(base(), 'POST', `/calls/${randomUUID()}/decline`)).status).toBe(401);
      });
    });
  });
}
