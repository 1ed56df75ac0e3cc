// Where log batches come from: a LoggerProvider of one source (a receiver, the leadership
// controller) whose records are gathered and handed on together when the source says its
// round is over (handOn: after a listing, a poll, a report), so that the moves one listing
// found leave as one batch, and the source learns what became of them: handOn answers for the
// batch (accepted by every pipeline, or refused with the first refusal worth retrying). That
// is the only way out. Each record is copied into a plain object once, so that stages can
// share it.
import type { Logger } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type ReadableLogRecord, type ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { ACCEPTED, type Answer, answerAll, type LogBatch } from '../component/consumer.ts';
import { AGENT_VERSION } from '../version.ts';

/** A record as it travels: plain, frozen, with what the OTLP encoders read. */
export function plainRecord(record: ReadWriteLogRecord | ReadableLogRecord): ReadableLogRecord {
  return Object.freeze({
    hrTime: record.hrTime,
    hrTimeObserved: record.hrTimeObserved,
    ...(record.spanContext ? { spanContext: record.spanContext } : {}),
    ...(record.severityText !== undefined ? { severityText: record.severityText } : {}),
    ...(record.severityNumber !== undefined ? { severityNumber: record.severityNumber } : {}),
    ...(record.body !== undefined ? { body: record.body } : {}),
    ...(record.eventName !== undefined ? { eventName: record.eventName } : {}),
    resource: record.resource,
    instrumentationScope: record.instrumentationScope,
    attributes: { ...record.attributes },
    droppedAttributesCount: record.droppedAttributesCount,
  });
}

class GatheringProcessor implements LogRecordProcessor {
  private readonly source: LogSource;
  constructor(source: LogSource) {
    this.source = source;
  }
  onEmit(record: ReadWriteLogRecord): void {
    this.source.take(plainRecord(record));
  }
  async forceFlush(): Promise<void> {
    await this.source.handOn();
  }
  async shutdown(): Promise<void> {
    await this.source.handOn();
  }
}

export class LogSource {
  private readonly provider: LoggerProvider;
  private readonly routes: ((batch: LogBatch) => Promise<Answer> | void)[] = [];
  private pending: ReadableLogRecord[] = [];

  constructor(resource: Resource) {
    this.provider = new LoggerProvider({ resource, processors: [new GatheringProcessor(this)] });
  }

  logger(scope: string): Logger {
    return this.provider.getLogger(scope, AGENT_VERSION);
  }

  /** Where batches go: a pipeline's entry (which answers), an observer (which only looks). */
  route(to: (batch: LogBatch) => Promise<Answer> | void): void {
    this.routes.push(to);
  }

  take(record: ReadableLogRecord): void {
    this.pending.push(record);
  }

  /** Records emitted and not yet handed on. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Hands on what was emitted so far, as one batch, and answers for it. */
  async handOn(): Promise<Answer> {
    if (this.pending.length === 0) return ACCEPTED;
    const batch = this.pending;
    this.pending = [];
    const answers: Promise<Answer>[] = [];
    for (const to of this.routes) {
      const answer = to(batch);
      if (answer) answers.push(answer);
    }
    return answerAll(await Promise.all(answers));
  }

  async shutdown(): Promise<void> {
    await this.handOn();
    await this.provider.shutdown().catch(() => {});
  }
}
