import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type FindOptionsWhere, LessThanOrEqual, Not, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { ContactEvents, missedCall } from '../contacts/contact-events.js';
import type { CallObserver, CallSummary, EndCode } from '../signaling/call-machine.types.js';
import { CallRecord } from './call-record.entity.js';
import { CallHistoryEntryDto } from './dto/call-history.dto.js';

/** Rows pruned per write at most (more go at the next write). */
const PRUNE_BATCH = 1000;

/**
 * Writes each call at its state changes, off the signaling path: the call machine never waits for
 * the database. Writes between two users are chained, so an update never overtakes its insert and
 * a merge always sees the entry before it. Bounded: repeated unanswered attempts from one caller
 * merge into one entry with a count, and each user keeps HISTORY_MAX_PER_USER entries at most.
 * A call refused by do-not-disturb rang no page: once it is written, the callee's pages are told
 * (`missed_call`), so that Recent calls and the missed count follow without a reload.
 */
@Injectable()
export class CallHistoryService implements CallObserver {
  private readonly logger = new Logger('CallHistory');
  private readonly pending = new Map<string, Promise<void>>();

  private readonly limits: AppConfig['history'];

  constructor(
    @InjectRepository(CallRecord) private readonly records: Repository<CallRecord>,
    config: AppConfig,
    private readonly events: ContactEvents,
  ) {
    this.limits = config.history;
  }

  callStarted(call: CallSummary, at: Date): void {
    this.write(call, async () => {
      await this.records.insert({
        id: call.id,
        caller: call.caller,
        callee: call.callee,
        startedAt: at,
        answeredAt: null,
        endedAt: null,
        endCode: null,
        attempts: 1,
        hiddenFromCallee: call.hiddenFromCallee === true,
      });
      await this.prune(call.caller);
      await this.prune(call.callee);
    });
  }

  callAnswered(call: CallSummary, at: Date): void {
    this.write(call, () => this.records.update({ id: call.id }, { answeredAt: at }));
  }

  callEnded(call: CallSummary, code: EndCode, at: Date): void {
    this.write(call, async () => {
      await this.records.update({ id: call.id }, { endedAt: at, endCode: code });
      const record = await this.records.findOneBy({ id: call.id });
      if (!record) {
        return;
      }
      await this.mergeIntoPrevious(record);
      this.announce(record);
    });
  }

  /** Resolves once every write so far has finished (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all(this.pending.values());
  }

  async list(username: string, limit: number): Promise<CallHistoryEntryDto[]> {
    const records = await this.records.find({
      where: involving(username),
      order: { startedAt: 'DESC' },
      take: limit,
    });
    return records.map((record) => toEntry(record, username));
  }

  /**
   * Deletes every call of a deleted account, hidden ones included, once the writes already queued
   * have landed: nothing of it is left for whoever takes the username later.
   */
  async forget(username: string): Promise<void> {
    await this.flush();
    await this.records.delete({ caller: username });
    await this.records.delete({ callee: username });
  }

  /**
   * An unanswered attempt joins the entry just before it between the two users when that entry is
   * the same caller's unanswered attempt of the same kind (declined, or not), begun at most
   * HISTORY_MERGE_WINDOW earlier. The merged entry counts both and shows the latest one's times.
   */
  private async mergeIntoPrevious(attempt: CallRecord): Promise<void> {
    const id = attempt.id;
    if (attempt.answeredAt !== null) {
      return;
    }
    const earlier = { id: Not(id), startedAt: LessThanOrEqual(attempt.startedAt) };
    // Hidden and visible attempts never share an entry: the callee must not see a hidden one.
    const visibility = { hiddenFromCallee: attempt.hiddenFromCallee };
    const previous = await this.records.findOne({
      where: [
        { ...earlier, ...visibility, caller: attempt.caller, callee: attempt.callee },
        { ...earlier, caller: attempt.callee, callee: attempt.caller },
      ],
      order: { startedAt: 'DESC' },
    });
    if (
      !previous ||
      previous.caller !== attempt.caller ||
      previous.answeredAt !== null ||
      previous.endCode === null ||
      (previous.endCode === 'rejected') !== (attempt.endCode === 'rejected') ||
      time(attempt.startedAt) - time(previous.startedAt) > this.limits.mergeWindowMs
    ) {
      return;
    }
    // No transaction: SQLite has one connection, shared by every concurrent write. In this order
    // a failure between the two steps leaves a count one too high, never a lost attempt.
    await this.records.update(
      { id: previous.id },
      {
        attempts: previous.attempts + attempt.attempts,
        startedAt: attempt.startedAt,
        endedAt: attempt.endedAt,
        endCode: attempt.endCode,
      },
    );
    await this.records.delete({ id });
  }

  /** A missed call no page of the callee rang (do-not-disturb): their pages hear of it here. */
  private announce(record: CallRecord): void {
    if (record.endCode === 'unavailable' && !record.hiddenFromCallee) {
      this.events.publish(missedCall(record.callee, { callId: record.id, peer: record.caller }));
    }
  }

  /** Keeps the user's newest HISTORY_MAX_PER_USER entries (an entry is both parties'). */
  private async prune(username: string): Promise<void> {
    const stale = await this.records.find({
      select: { id: true },
      where: involving(username),
      order: { startedAt: 'DESC' },
      skip: this.limits.maxPerUser,
      take: PRUNE_BATCH,
    });
    if (stale.length > 0) {
      await this.records.delete(stale.map((record) => record.id));
    }
  }

  /** Chains the writes between the call's two users, whichever of them called. */
  private write(call: CallSummary, operation: () => Promise<unknown>): void {
    const key = [call.caller, call.callee].sort().join('\n');
    const previous = this.pending.get(key) ?? Promise.resolve();
    const next = previous
      .then(operation)
      .then(
        () => undefined,
        (error: unknown) =>
          this.logger.error({ msg: 'call not recorded', callId: call.id, err: error }),
      )
      .finally(() => {
        if (this.pending.get(key) === next) {
          this.pending.delete(key);
        }
      });
    this.pending.set(key, next);
  }
}

/** The calls `username` sees: all it made, and those it received that were not hidden from it. */
function involving(username: string): FindOptionsWhere<CallRecord>[] {
  return [{ caller: username }, { callee: username, hiddenFromCallee: false }];
}

function toEntry(record: CallRecord, username: string): CallHistoryEntryDto {
  const incoming = record.callee === username;
  return {
    callId: record.id,
    direction: incoming ? 'incoming' : 'outgoing',
    peer: incoming ? record.caller : record.callee,
    startedAt: new Date(record.startedAt).toISOString(),
    answeredAt: record.answeredAt ? new Date(record.answeredAt).toISOString() : null,
    endedAt: record.endedAt ? new Date(record.endedAt).toISOString() : null,
    endCode: record.endCode,
    missed:
      incoming && !record.answeredAt && record.endCode !== null && record.endCode !== 'rejected',
    attempts: record.attempts,
  };
}

function time(value: Date): number {
  return new Date(value).getTime();
}
