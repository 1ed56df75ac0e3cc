// The filter's log stage for `logs.log_record` conditions: a record that matches any of them
// is dropped; the others pass on unchanged.
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { type Commit, commitStage, type LogStage } from '../../component/component.ts';
import type { LogRecordView } from './ottl/contexts.ts';

export function logRecordView(record: ReadWriteLogRecord): LogRecordView {
  return {
    body: record.body, attributes: record.attributes, resourceAttributes: record.resource.attributes,
    severityNumber: record.severityNumber, severityText: record.severityText, eventName: record.eventName,
  };
}

/** A log stage that passes on the records `keep` accepts and drops the others. */
export class KeepStage implements LogStage {
  private readonly next: LogRecordProcessor;
  private readonly keep: (record: ReadWriteLogRecord) => boolean;
  constructor(keep: (record: ReadWriteLogRecord) => boolean, next: LogRecordProcessor) {
    this.next = next;
    this.keep = keep;
  }
  onEmit(record: ReadWriteLogRecord): void {
    if (this.keep(record)) this.next.onEmit(record);
  }
  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }
  /** Passed on: the exporters answer (a dropped record needs no keeping). */
  commit(): Promise<Commit> {
    return commitStage(this.next);
  }
  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

/** The stage for `logs.log_record` conditions: a record that matches any of them is dropped. */
export function conditionStage(matches: (record: LogRecordView) => boolean, next: LogRecordProcessor): KeepStage {
  return new KeepStage((record) => !matches(logRecordView(record)), next);
}
