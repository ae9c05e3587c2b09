import { readFileSync } from 'node:fs';
import type { MessageCode } from '../../../protocol.js';
import { sentence } from '../../../sentences.js';
import { luaKeyFunctions } from '../keys.js';

/**
 * The signaling scripts, one `.lua` file each in this folder (names match the methods of
 * RedisCallSwitch and RedisSessions that run them); each is one atomic change of state.
 */
export const SCRIPT_NAMES = [
  'open',
  'start',
  'answer',
  'relay',
  'hangup',
  'send',
  'drop',
  'away',
  'resume',
  'resumeAttempt',
  'fire',
  'heartbeat',
  'sweep',
  'release',
  'decline',
  'pushDevice',
  'revoke',
] as const;

export type ScriptName = (typeof SCRIPT_NAMES)[number];

/** The codes whose sentences the scripts write into `msg` (the rest come from TypeScript). */
const SCRIPT_CODES: readonly MessageCode[] = [
  'self',
  'glare',
  'already_in_call',
  'unknown_user',
  'offline',
  'busy',
  'unavailable',
  'no_answer',
  'rejected',
  'cancelled',
  'missed',
  'answered_elsewhere',
  'rejected_elsewhere',
  'switched',
  'disconnected',
  'not_in_call',
  'hangup',
  'ice_failed',
  'media_failed',
];

const PEER = '\u0000';

/** A `.lua` file of this folder (copied next to the compiled code by `npm run build`). */
export function readLua(file: string): string {
  return readFileSync(new URL(`./${file}.lua`, import.meta.url), 'utf8');
}

/**
 * `sentences.ts` as a Lua table, so that the messages a script sends read exactly like the
 * in-memory machine's: each entry is the text before and after the peer's name.
 */
function sentencesTable(): string {
  const entries = SCRIPT_CODES.map((code) => {
    const parts = sentence(code, PEER)
      .split(PEER)
      .map((part) => JSON.stringify(part));
    return `[${JSON.stringify(code)}] = {${parts.join(', ')}}`;
  });
  return `local SENTENCES = {\n  ${entries.join(',\n  ')}\n}`;
}

/**
 * Each script's source, read at start-up: what TypeScript generates (the sentences and the key
 * functions, so neither is spelled twice), prelude.lua, then the script's own file.
 */
export function signalingScriptSources(): Record<ScriptName, string> {
  const common = [sentencesTable(), luaKeyFunctions(), readLua('prelude')].join('\n');
  return Object.fromEntries(
    SCRIPT_NAMES.map((name) => [name, `${common}\n${readLua(fileName(name))}`]),
  ) as Record<ScriptName, string>;
}

/** resumeAttempt → resume-attempt. */
function fileName(name: ScriptName): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
