import assert from 'node:assert/strict';
import type { MockAutopush } from '../support/mock-autopush.js';
import type { TestUser } from '../support/test-app.js';
import { eventually } from './eventually.js';
import { type Firefox, launchFirefox } from './firefox.js';

/**
 * Firefox's real push stack against the local stand-in of Mozilla's push service, as both
 * test/push-firefox.browser-spec.ts and bench/push-firefox.mjs (compiled to dist-test) drive it:
 * notifications allowed without a prompt and drawn by Firefox itself (headless has no system
 * alerts). `extra` adds preferences (fake media for a call).
 */
export function launchPushFirefox(
  autopush: MockAutopush,
  extra: Record<string, string | number | boolean> = {},
): Promise<Firefox> {
  return launchFirefox({
    'dom.push.serverURL': `${autopush.origin.replace('http', 'ws')}/`,
    'dom.push.testing.allowInsecureServerURL': true,
    'dom.push.connection.enabled': true,
    'permissions.default.desktop-notification': 1,
    'dom.push.testing.ignorePermission': true,
    'alerts.useSystemBackend': false,
    ...extra,
  });
}

/**
 * Logs `user` in through the real form and turns push ringing on with the call page's own switch,
 * once Firefox has reached its push service; resolves to the switch's hint once it says "on".
 */
export async function subscribeToPush(
  firefox: Firefox,
  baseUrl: string,
  user: Pick<TestUser, 'username' | 'password'>,
  autopush: MockAutopush,
): Promise<string> {
  await firefox.navigate(`${baseUrl}/login`);
  await firefox.evaluate(`(() => {
    const form = document.querySelector('form');
    form.querySelector('[name=username]').value = ${JSON.stringify(user.username)};
    form.querySelector('[name=password]').value = ${JSON.stringify(user.password)};
    form.submit();
  })()`);
  await eventually(async () =>
    assert.equal(await firefox.evaluate<string>('location.pathname'), `/webrtc/${user.username}`),
  );
  // The readiness gate: Firefox talks to its push service only some seconds after launch.
  await autopush.hello();
  await eventually(
    async () =>
      assert.equal(
        await firefox.evaluate<boolean>(`document.getElementById('push-ring').disabled`),
        false,
      ),
    20_000,
  );
  await firefox.evaluate(`document.getElementById('push-ring').click()`);
  return eventually(async () => {
    const [state, hint] = await firefox.evaluate<[string, string]>(
      `[document.getElementById('push-field').dataset.pushState,
        document.getElementById('push-hint').textContent]`,
    );
    assert.equal(state, 'on', `push state ${state}: ${hint}`);
    return hint;
  }, 20_000);
}

/** A notification the service worker shows, as a Dialtone page (not a call page) lists it. */
export interface ShownNotification {
  title: string;
  tag: string;
  actions: string[];
  requireInteraction: boolean;
}

/** The notifications shown now (those of call `tag` only, when given). */
export function shownNotifications(firefox: Firefox, tag?: string): Promise<ShownNotification[]> {
  const filter = tag === undefined ? '' : `{ tag: ${JSON.stringify(tag)} }`;
  return firefox.evaluate<ShownNotification[]>(`navigator.serviceWorker.ready
    .then((registration) => registration.getNotifications(${filter}))
    .then((list) => list.map((n) => ({
      title: n.title,
      tag: n.tag,
      actions: (n.actions || []).map((a) => a.action),
      requireInteraction: n.requireInteraction,
    })))`);
}
