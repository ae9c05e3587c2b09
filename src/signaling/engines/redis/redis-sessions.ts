import type { RevocableToken } from '../../../auth/revocation-list.js';
import {
  CloseCode,
  type ResumedCall,
  type ResumeFailedCode,
  type ServerMessage,
} from '../../protocol.js';
import { LOGGED_OUT_REASON } from '../../session-registry.js';
import type { SignalingScripts } from './signaling-scripts.js';
import type { TimerWheel } from './timer-wheel.js';

/** A message on a session's channel that is not a frame for the client (frames start with `{`). */
export type ChannelControl =
  /** Another instance resumed the session: the socket here is stale (close 4002). */
  | { kind: 'takeover'; node: string }
  /** Close the socket here (session cap, logout): code and reason as given. */
  | { kind: 'close'; code: number; reason: string };

export type ResumeOutcome =
  | { ok: true; missed: string[]; call: ResumedCall | null; previousNode: string }
  | { ok: false; code: ResumeFailedCode };

/**
 * The session directory, presence and routing on Redis. One channel per session: an instance
 * subscribes to the sessions whose sockets it holds, a delivery is one PUBLISH that reaches
 * exactly that instance (or nobody while the session is away — it is then only kept in the
 * session's stream), and a resume on another instance needs no routing table to find the old one.
 */
export class RedisSessions {
  constructor(
    private readonly scripts: SignalingScripts,
    private readonly timers: TimerWheel,
    readonly node: string,
    private readonly maxSessionsPerUser: number,
  ) {}

  channel(sessionId: string): string {
    return this.scripts.keys.id.channel(sessionId);
  }

  /**
   * Registers a new session held here and delivers its welcome (seq 1 on v2); rings it if its
   * user is being rung. Resolves to the sessions that made room (MAX_SESSIONS_PER_USER, decided
   * atomically by the script, which has already ended them): their sockets are to be closed.
   * `access` is the access token the session runs under (a revocation ends the sessions of the
   * tokens it revokes, away ones included).
   */
  open(
    sessionId: string,
    username: string,
    tokenHash: Buffer | undefined,
    welcome: ServerMessage,
    access: Pick<RevocableToken, 'id' | 'tokenId' | 'generation'>,
  ): Promise<string[]> {
    return this.scripts.run<string[]>('open', [
      sessionId,
      username,
      this.node,
      tokenHash ? '1' : '0',
      tokenHash?.toString('hex') ?? '',
      JSON.stringify(welcome),
      String(this.maxSessionsPerUser),
      ...tokenArgs(access),
    ]);
  }

  /** A reply to one session through its numbered stream (errors, pongs are control frames). */
  async send(sessionId: string, message: ServerMessage): Promise<void> {
    await this.scripts.run('send', [sessionId, JSON.stringify(message)]);
  }

  /** Ends the session everywhere; false when it had already ended. */
  async drop(sessionId: string): Promise<boolean> {
    return (await this.scripts.run<number>('drop', [sessionId])) === 1;
  }

  /** The v2 session's socket is gone: its window starts (armed here) and its peer is told. */
  async away(sessionId: string): Promise<void> {
    this.timers.armed(await this.scripts.run('away', [sessionId]));
  }

  /** `access`: the new socket's token, which the session runs under from now on. */
  async resume(
    sessionId: string,
    username: string,
    presentedHash: Buffer,
    lastSeq: number,
    nextHash: Buffer,
    access: Pick<RevocableToken, 'id' | 'tokenId' | 'generation'>,
  ): Promise<ResumeOutcome> {
    const reply = await this.scripts.run<[string, string[]?, string?, string?]>('resume', [
      sessionId,
      username,
      presentedHash.toString('hex'),
      String(lastSeq),
      nextHash.toString('hex'),
      this.node,
      ...tokenArgs(access),
    ]);
    if (reply[0] !== 'ok') {
      return { ok: false, code: reply[0] as ResumeFailedCode };
    }
    const [, missed = [], call = '', previousNode = ''] = reply;
    return {
      ok: true,
      missed,
      call: call === '' ? null : (JSON.parse(call) as ResumedCall),
      previousNode,
    };
  }

  /**
   * Counts a resume attempt of `username` from `address` as failed until `resumeSucceeded`; false
   * once that pair failed `maxFailures` times within `windowMs` (shared by every instance).
   */
  async resumeAllowed(
    username: string,
    address: string,
    { maxFailures, windowMs }: { maxFailures: number; windowMs: number },
  ): Promise<boolean> {
    const key = this.scripts.keys.resumeFailures(username, address);
    const failures = await this.scripts.run<number>('resumeAttempt', [key, String(windowMs)]);
    return failures <= maxFailures;
  }

  async resumeSucceeded(username: string, address: string): Promise<void> {
    const key = this.scripts.keys.resumeFailures(username, address);
    await this.scripts.redis.command(['DEL', key]);
  }

  /**
   * Numbers a revocation, ends the account's sessions that run under a token it revokes (`tokenId`,
   * or every generation below `lowestGeneration`), away ones included, and announces it on the
   * bus. Resolves to its number (see revocationCount).
   */
  revoke(
    account: { id: string; username: string },
    scope: { tokenId?: string; lowestGeneration?: number },
  ): Promise<number> {
    const control: ChannelControl = {
      kind: 'close',
      code: CloseCode.TOKEN_EXPIRED,
      reason: LOGGED_OUT_REASON,
    };
    return this.scripts.run<number>('revoke', [
      account.username,
      account.id,
      scope.tokenId ?? '',
      scope.lowestGeneration === undefined ? '' : String(scope.lowestGeneration),
      this.node,
      encodeControl(control),
    ]);
  }

  /** How many revocations have been announced (by every instance) so far. */
  async revocationCount(): Promise<number> {
    const key = this.scripts.keys.one.revoked;
    return Number((await this.scripts.redis.command<string | null>(['GET', key])) ?? 0);
  }

  async control(sessionId: string, control: ChannelControl): Promise<void> {
    await this.scripts.redis.command(['PUBLISH', this.channel(sessionId), encodeControl(control)]);
  }

  async isOnline(username: string): Promise<boolean> {
    const key = this.scripts.keys.one.online;
    return (await this.scripts.redis.command<string | null>(['ZSCORE', key, username])) !== null;
  }

  /** Online usernames starting with `prefix` (in name order), at most `max`. */
  onlineUsernames(prefix: string, max: number): Promise<string[]> {
    const key = this.scripts.keys.one.online;
    // Usernames are ASCII (USERNAME_PATTERN): DEL sorts after every character they may hold.
    const range = ['ZRANGEBYLEX', key, `[${prefix}`, `[${prefix}\x7f`];
    return this.scripts.redis.command<string[]>([...range, 'LIMIT', '0', String(max)]);
  }

  /** Sessions of `username` in opening order (oldest first), on any instance. */
  sessionsOf(username: string): Promise<string[]> {
    const key = this.scripts.keys.id.userSessions(username);
    return this.scripts.redis.command<string[]>(['ZRANGE', key, '0', '-1']);
  }
}

/** Account id, token id, generation: what `revoke` matches a session's token by. */
function tokenArgs({
  id,
  tokenId,
  generation,
}: Pick<RevocableToken, 'id' | 'tokenId' | 'generation'>) {
  return [id, tokenId, String(generation)];
}

export function encodeControl(control: ChannelControl): string {
  return control.kind === 'takeover'
    ? `!takeover ${control.node}`
    : `!close ${control.code} ${control.reason}`;
}

/** A channel message: a frame for the client, or a control for the instance holding it. */
export function decodeChannel(message: string): string | ChannelControl {
  if (!message.startsWith('!')) {
    return message;
  }
  const [kind, first, ...rest] = message.slice(1).split(' ');
  return kind === 'takeover'
    ? { kind: 'takeover', node: first }
    : { kind: 'close', code: Number(first), reason: rest.join(' ') };
}
