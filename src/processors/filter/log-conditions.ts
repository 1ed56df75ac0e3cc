// The filter's logs stage: a record `keep` refuses is dropped; the others pass on unchanged.
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { LogsConsumer } from '../../component/consumer.ts';
import { logsStage } from '../stage.ts';
import type { LogRecordView } from './ottl/contexts.ts';

export function logRecordView(record: ReadableLogRecord): LogRecordView {
  return {
    body: record.body, attributes: record.attributes, resourceAttributes: record.resource.attributes,
    severityNumber: record.severityNumber, severityText: record.severityText, eventName: record.eventName,
  };
}

/** A logs stage that passes on the records `keep` accepts and drops the others. */
export function keepStage(keep: (record: ReadableLogRecord) => boolean, next: LogsConsumer): LogsConsumer {
  return logsStage(next, (batch) => {
    const kept = batch.filter(keep);
    return kept.length === batch.length ? batch : kept;
  });
}

/** The stage for `logs.log_record` conditions: a record that matches any of them is dropped. */
export function conditionStage(matches: (record: LogRecordView) => boolean, next: LogsConsumer): LogsConsumer {
  return keepStage((record) => !matches(logRecordView(record)), next);
}
