import assert from 'node:assert/strict';
import {
  PROTOCOL_V2,
  type ResumedMessage,
  type ResumeFailedMessage,
  SUBPROTOCOL_V2,
  type WelcomeMessage,
} from '../../src/signaling/protocol.js';
import type { Party } from './call-fixtures.js';
import { SignalingClient } from './signaling-client.js';
import { createUser, type TestUser } from './test-app.js';

/** A protocol 2 session: what a client keeps to resume it. */
export interface V2Party extends Party {
  sessionId: string;
  resumeToken: string;
}

/** Opens a socket asking for protocol 2; nothing is sent yet (the client speaks first). */
export async function openV2(baseUrl: string, token: string): Promise<SignalingClient> {
  const outcome = await SignalingClient.open(baseUrl, { token, protocols: [SUBPROTOCOL_V2] });
  if (!('client' in outcome)) {
    throw new Error(`upgrade refused with ${outcome.status}`);
  }
  assert.equal(outcome.client.socket.protocol, SUBPROTOCOL_V2);
  return outcome.client;
}

/** Reads the welcome of a new v2 session and checks its protocol 2 fields. */
export async function welcomeV2(ws: SignalingClient): Promise<WelcomeMessage & { seq?: number }> {
  const welcome = await ws.next('welcome');
  assert.equal(welcome.protocol, PROTOCOL_V2);
  assert.equal(welcome.seq, 1);
  assert.match(welcome.resumeToken ?? '', /^[\w-]{43}$/);
  return welcome;
}

/** A new v2 session of `user`: the first frame is a `ping`, answered by welcome then pong. */
export async function connectV2(baseUrl: string, user: TestUser): Promise<V2Party> {
  const ws = await openV2(baseUrl, user.token);
  ws.send({ type: 'ping' });
  const welcome = await welcomeV2(ws);
  await ws.next('pong');
  return { user, ws, sessionId: welcome.sessionId, resumeToken: welcome.resumeToken! };
}

/** A registered user with one v2 session. */
export async function partyV2(baseUrl: string, prefix: string): Promise<V2Party> {
  return connectV2(baseUrl, await createUser(baseUrl, prefix));
}

/** Sends `resume` as the first frame of a new socket; returns the socket and the first reply. */
export async function tryResume(
  baseUrl: string,
  party: V2Party,
  options: { lastSeq?: number; token?: string; resumeToken?: string } = {},
): Promise<{ ws: SignalingClient; reply: ResumedMessage | ResumeFailedMessage }> {
  const ws = await openV2(baseUrl, options.token ?? party.user.token);
  ws.send({
    type: 'resume',
    sessionId: party.sessionId,
    resumeToken: options.resumeToken ?? party.resumeToken,
    lastSeq: options.lastSeq ?? party.ws.lastSeq,
  });
  const reply = await ws.receive();
  assert.ok(reply.type === 'resumed' || reply.type === 'resume_failed', JSON.stringify(reply));
  return { ws, reply };
}

/**
 * Resumes the party's session on a new socket, which must succeed: the party now talks through
 * the new socket, with the new token, and counts on from the seq it had.
 */
export async function resumeV2(
  baseUrl: string,
  party: V2Party,
  lastSeq = party.ws.lastSeq,
): Promise<ResumedMessage> {
  const { ws, reply } = await tryResume(baseUrl, party, { lastSeq });
  if (reply.type !== 'resumed') {
    throw new Error(`resume failed: ${JSON.stringify(reply)}`);
  }
  const resumed = reply;
  ws.lastSeq = lastSeq;
  party.ws = ws;
  party.resumeToken = resumed.resumeToken;
  return resumed;
}
