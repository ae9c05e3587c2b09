import assert from 'node:assert/strict';
import type { ContactListDto } from '../../src/contacts/dto/contact.dto.js';
import type { Party } from './call-fixtures.js';
import { call } from './http.js';
import { SignalingClient } from './signaling-client.js';
import { createUser, type TestUser } from './test-app.js';

/** `a` asks `b`, `b` accepts: from now on each sees the other's presence. */
export async function makeContacts(baseUrl: string, a: TestUser, b: TestUser): Promise<void> {
  const asked = await call(baseUrl, 'POST', '/contacts', {
    token: a.token,
    json: { username: b.username },
  });
  assert.equal(asked.status, 200, asked.text);
  const accepted = await call(baseUrl, 'POST', `/contacts/${a.username}/accept`, {
    token: b.token,
  });
  assert.equal(accepted.status, 200, accepted.text);
}

export async function contactList(baseUrl: string, viewer: TestUser): Promise<ContactListDto> {
  const reply = await call(baseUrl, 'GET', '/contacts', { token: viewer.token });
  assert.equal(reply.status, 200, reply.text);
  return reply.json<ContactListDto>();
}

/**
 * Whether `username` is online, as `viewer` sees it: only a contact's presence is shared, so
 * `viewer` must have `username` among its contacts (see makeContacts).
 */
export async function isOnline(
  baseUrl: string,
  viewer: TestUser,
  username: string,
): Promise<boolean> {
  const { contacts } = await contactList(baseUrl, viewer);
  const entry = contacts.find((contact) => contact.username === username);
  assert.ok(entry, `${username} is not a contact of ${viewer.username}`);
  return entry.online;
}

/**
 * A registered user with one open session whose presence `watcher` sees: they become contacts
 * before the session opens, so its socket reads no contact events the test did not ask for.
 */
export async function watchedParty(
  baseUrl: string,
  watcher: TestUser,
  prefix: string,
): Promise<Party> {
  const user = await createUser(baseUrl, prefix);
  await makeContacts(baseUrl, watcher, user);
  return { user, ws: await SignalingClient.connect(baseUrl, user.token) };
}
