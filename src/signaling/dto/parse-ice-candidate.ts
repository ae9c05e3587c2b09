import type { IceCandidateInit } from '../protocol.js';
import { MAX_ICE_CANDIDATE_CHARS, MAX_ICE_TAG_CHARS } from '../protocol.js';

const MAX_M_LINE_INDEX = 65_535; // an unsigned short in RTCIceCandidateInit

const PROBLEMS = {
  shape: 'iceCandidate must be an object (an RTCIceCandidateInit)',
  candidate: `iceCandidate.candidate must be a string of at most ${MAX_ICE_CANDIDATE_CHARS} characters`,
  sdpMid: `iceCandidate.sdpMid must be null or a string of at most ${MAX_ICE_TAG_CHARS} characters`,
  sdpMLineIndex: `iceCandidate.sdpMLineIndex must be null or a whole number from 0 to ${MAX_M_LINE_INDEX}`,
  usernameFragment: `iceCandidate.usernameFragment must be null or a string of at most ${MAX_ICE_TAG_CHARS} characters`,
} as const;

/**
 * An `_ice` frame's candidate, rebuilt from the four fields of an RTCIceCandidateInit, each a
 * primitive of bounded length; or the problem, for the error reply. Other fields are dropped
 * without being looked at (a browser may add one some day), so nothing nested in them is relayed.
 * Absent fields stay absent, so a browser's candidate reaches the peer exactly as it was sent.
 * Runs on every relayed candidate: four property reads and one small object.
 */
export function parseIceCandidate(value: unknown): IceCandidateInit | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return PROBLEMS.shape;
  }
  const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = value as Record<string, unknown>;
  const rebuilt: IceCandidateInit = {};
  if (candidate !== undefined) {
    if (!isShortString(candidate, MAX_ICE_CANDIDATE_CHARS)) {
      return PROBLEMS.candidate;
    }
    rebuilt.candidate = candidate;
  }
  if (sdpMid !== undefined) {
    if (sdpMid !== null && !isShortString(sdpMid, MAX_ICE_TAG_CHARS)) {
      return PROBLEMS.sdpMid;
    }
    rebuilt.sdpMid = sdpMid;
  }
  if (sdpMLineIndex !== undefined) {
    if (sdpMLineIndex !== null && !isMLineIndex(sdpMLineIndex)) {
      return PROBLEMS.sdpMLineIndex;
    }
    rebuilt.sdpMLineIndex = sdpMLineIndex;
  }
  if (usernameFragment !== undefined) {
    if (usernameFragment !== null && !isShortString(usernameFragment, MAX_ICE_TAG_CHARS)) {
      return PROBLEMS.usernameFragment;
    }
    rebuilt.usernameFragment = usernameFragment;
  }
  return rebuilt;
}

function isShortString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

function isMLineIndex(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_M_LINE_INDEX;
}
