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

export class ConditionStage implements LogStage {
  private readonly next: LogRecordProcessor;
  private readonly matches: (record: LogRecordView) => boolean;
  constructor(matches: (record: LogRecordView) => boolean, next: LogRecordProcessor) {
    this.next = next;
    this.matches = matches;
  }
  onEmit(record: ReadWriteLogRecord): void {
    if (!this.matches(logRecordView(record))) this.next.onEmit(record);
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
