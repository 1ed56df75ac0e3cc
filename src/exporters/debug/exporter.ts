// The debug exporter: what the agent sends, printed on stdout for a person to read.
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { BatchLogRecordProcessor, type LogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality, type InstrumentType, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { cardinalityLimits } from '../../telemetry/cardinality.ts';
import { temporalityFor } from '../gauge-temporality.ts';
import type { ComponentSettings, LogsExporter, MetricsExporter } from '../../component/component.ts';
import type { DebugConfig } from './config.ts';
import { formatLogRecord, formatMetricsBasic, formatMetricsDetailed } from './format.ts';

export interface TextSink {
  write(text: string): void;
}
const stdout: TextSink = { write: (text) => process.stdout.write(text) };

class DebugMetricExporter implements PushMetricExporter {
  private readonly config: DebugConfig;
  private readonly sink: TextSink;
  constructor(config: DebugConfig, sink: TextSink) {
    this.config = config;
    this.sink = sink;
  }
  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    const text = this.config.verbosity === 'detailed'
      ? `${formatMetricsBasic(metrics, new Date()).split('\n')[0]}\n${formatMetricsDetailed(metrics)}`
      : formatMetricsBasic(metrics, new Date());
    this.sink.write(text + '\n');
    done({ code: ExportResultCode.SUCCESS });
  }
  selectAggregationTemporality(instrument: InstrumentType): AggregationTemporality {
    return temporalityFor(instrument, () => AggregationTemporality.CUMULATIVE);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

class DebugLogExporter implements LogRecordExporter {
  private readonly config: DebugConfig;
  private readonly sink: TextSink;
  constructor(config: DebugConfig, sink: TextSink) {
    this.config = config;
    this.sink = sink;
  }
  export(records: ReadableLogRecord[], done: (result: ExportResult) => void): void {
    const detailed = this.config.verbosity === 'detailed';
    this.sink.write(records.map((record) => formatLogRecord(record, detailed)).join('\n') + '\n');
    done({ code: ExportResultCode.SUCCESS });
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export function createDebugMetricsExporter(settings: ComponentSettings<DebugConfig>, sink: TextSink = stdout): MetricsExporter {
  return {
    reader: new PeriodicExportingMetricReader({
      exporter: new DebugMetricExporter(settings.config, sink),
      exportIntervalMillis: settings.config.export_interval,
      cardinalityLimits,
    }),
  };
}

export function createDebugLogsExporter(settings: ComponentSettings<DebugConfig>, sink: TextSink = stdout): LogsExporter {
  return {
    processor: new BatchLogRecordProcessor({ exporter: new DebugLogExporter(settings.config, sink), scheduledDelayMillis: 500 }),
  };
}
