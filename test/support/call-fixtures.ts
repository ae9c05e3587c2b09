import assert from 'node:assert/strict';
import { createUser, type TestUser } from './test-app.js';
import { SignalingClient } from './signaling-client.js';

export interface Party {
  user: TestUser;
  ws: SignalingClient;
}

/** A registered user with one open signaling session. */
export async function party(baseUrl: string, prefix: string): Promise<Party> {
  const user = await createUser(baseUrl, prefix);
  return { user, ws: await SignalingClient.connect(baseUrl, user.token) };
}

/** caller rings callee (one session each, or the sessions given); returns the callId. */
export async function ring(
  caller: Party,
  callee: Party,
  calleeSessions: SignalingClient[] = [callee.ws],
): Promise<string> {
  caller.ws.send({ type: 'call_start', toUser: callee.user.username });
  const ringing = await caller.ws.next('ringing');
  for (const session of calleeSessions) {
    const incoming = await session.next('call_start');
    assert.equal(incoming.fromUser, caller.user.username);
    assert.equal(incoming.callId, ringing.callId);
  }
  return ringing.callId;
}

/** caller rings callee and callee accepts on its first session; returns the callId. */
export async function connectCall(caller: Party, callee: Party): Promise<string> {
  const callId = await ring(caller, callee);
  callee.ws.send({ type: 'call_back', toUser: caller.user.username, msg: '1' });
  const accepted = await caller.ws.next('call_back');
  assert.equal(accepted.msg, '1');
  return callId;
}

export function closeAll(...parties: Party[]): void {
  for (const p of parties) {
    p.ws.close();
  }
}
