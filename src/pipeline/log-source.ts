// Where log batches come from: a LoggerProvider of one source (a receiver, the leadership
// controller) whose records are gathered and handed on together when the source says its
// round is over (handOn: after a listing, a poll, a commit), so that the moves one listing
// found leave as one batch. A source that does not say so has its records handed on a
// second after the first of them, so that nothing waits for ever. Each record is copied into
// a plain object once, so that stages can share it.
import type { Logger } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type ReadableLogRecord, type ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { LogBatch } from '../component/consumer.ts';
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

/** How long a record may wait for its source to end its round. */
const HAND_ON_AT_THE_LATEST_MS = 1_000;

class GatheringProcessor implements LogRecordProcessor {
  private readonly source: LogSource;
  constructor(source: LogSource) {
    this.source = source;
  }
  onEmit(record: ReadWriteLogRecord): void {
    this.source.take(plainRecord(record));
  }
  async forceFlush(): Promise<void> {
    this.source.handOn();
  }
  async shutdown(): Promise<void> {
    this.source.handOn();
  }
}

export class LogSource {
  private readonly provider: LoggerProvider;
  private readonly routes: ((batch: LogBatch) => void)[] = [];
  private pending: ReadableLogRecord[] = [];
  private fallback: NodeJS.Timeout | undefined;

  constructor(resource: Resource) {
    this.provider = new LoggerProvider({ resource, processors: [new GatheringProcessor(this)] });
  }

  logger(scope: string): Logger {
    return this.provider.getLogger(scope, AGENT_VERSION);
  }

  /** Where batches go (a pipeline's entry, an observer). */
  route(to: (batch: LogBatch) => void): void {
    this.routes.push(to);
  }

  take(record: ReadableLogRecord): void {
    this.pending.push(record);
    if (!this.fallback) {
      this.fallback = setTimeout(() => this.handOn(), HAND_ON_AT_THE_LATEST_MS);
      this.fallback.unref();
    }
  }

  /** Hands on what was emitted so far, as one batch. */
  handOn(): void {
    clearTimeout(this.fallback);
    this.fallback = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const to of this.routes) to(batch);
  }

  async shutdown(): Promise<void> {
    this.handOn();
    await this.provider.shutdown().catch(() => {});
  }
}
