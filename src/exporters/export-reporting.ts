// Wraps an SDK exporter so that a failing backend is said once (and its recovery once),
// instead of once per export interval.
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { temporalityFor } from './gauge-temporality.ts';
import type { AgentLog } from '../diagnostics/agent-log.ts';

function reporter(log: AgentLog, what: string, url: string) {
  const key = `export ${what} ${url}`;
  return (result: ExportResult): void => {
    if (result.code === ExportResultCode.SUCCESS) {
      log.resolved(key, `sending ${what} to ${url} works again`);
      return;
    }
    const reason = result.error?.message ?? 'unknown error';
    log.problem(key, 'error', `sending ${what} to ${url} failed: ${reason}; the agent keeps running and retries at the next export`);
  };
}

export function reportingMetricExporter(inner: PushMetricExporter, log: AgentLog, url: string): PushMetricExporter {
  const report = reporter(log, 'metrics', url);
  const wrapped: PushMetricExporter = {
    export(metrics: ResourceMetrics, done: (result: ExportResult) => void) {
      inner.export(metrics, (result) => {
        report(result);
        done(result);
      });
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
    selectAggregationTemporality: (instrument) =>
      temporalityFor(instrument, (other) => inner.selectAggregationTemporality?.(other) ?? AggregationTemporality.CUMULATIVE),
  };
  if (inner.selectAggregation) wrapped.selectAggregation = inner.selectAggregation.bind(inner);
  return wrapped;
}

export function reportingLogExporter(inner: LogRecordExporter, log: AgentLog, url: string): LogRecordExporter {
  const report = reporter(log, 'logs', url);
  return {
    export(records: ReadableLogRecord[], done: (result: ExportResult) => void) {
      inner.export(records, (result) => {
        report(result);
        done(result);
      });
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}
