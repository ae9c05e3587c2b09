import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { CallObserver, CallSummary, EndCode } from '../signaling/call-machine.types.js';
import { CallRecord } from './call-record.entity.js';
import { CallHistoryEntryDto } from './dto/call-history.dto.js';

/**
 * Writes each call at its state changes, off the signaling path: the call machine never waits for
 * the database. Writes for one call are chained so an update never overtakes its insert.
 */
@Injectable()
export class CallHistoryService implements CallObserver {
  private readonly logger = new Logger('CallHistory');
  private readonly pending = new Map<string, Promise<void>>();

  constructor(@InjectRepository(CallRecord) private readonly records: Repository<CallRecord>) {}

  callStarted(call: CallSummary, at: Date): void {
    this.write(call.id, () =>
      this.records.insert({
        id: call.id,
        caller: call.caller,
        callee: call.callee,
        startedAt: at,
        answeredAt: null,
        endedAt: null,
        endCode: null,
      }),
    );
  }

  callAnswered(call: CallSummary, at: Date): void {
    this.write(call.id, () => this.records.update({ id: call.id }, { answeredAt: at }));
  }

  callEnded(call: CallSummary, code: EndCode, at: Date): void {
    this.write(call.id, () => this.records.update({ id: call.id }, { endedAt: at, endCode: code }));
  }

  /** Resolves once every write so far has finished (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all(this.pending.values());
  }

  async list(username: string, limit: number): Promise<CallHistoryEntryDto[]> {
    const records = await this.records.find({
      where: [{ caller: username }, { callee: username }],
      order: { startedAt: 'DESC' },
      take: limit,
    });
    return records.map((record) => toEntry(record, username));
  }

  private write(callId: string, operation: () => Promise<unknown>): void {
    const previous = this.pending.get(callId) ?? Promise.resolve();
    const next = previous
      .then(operation)
      .then(
        () => undefined,
        (error: unknown) => this.logger.error(`call ${callId}: ${String(error)}`),
      )
      .finally(() => {
        if (this.pending.get(callId) === next) {
          this.pending.delete(callId);
        }
      });
    this.pending.set(callId, next);
  }
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
  };
}
