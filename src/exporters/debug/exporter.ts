// The debug exporter: what the agent sends, printed on stdout for a person to read, batch by
// batch as the pipeline hands them over.
import type { ComponentSettings, LogsExporter, MetricsExporter } from '../../component/component.ts';
import { ACCEPTED, DEFAULT_SHAPE } from '../../component/consumer.ts';
import type { DebugConfig } from './config.ts';
import { formatLogRecord, formatMetricsBasic, formatMetricsDetailed } from './format.ts';

export interface TextSink {
  write(text: string): void;
}
const stdout: TextSink = { write: (text) => process.stdout.write(text) };

export function createDebugMetricsExporter(settings: ComponentSettings<DebugConfig>, sink: TextSink = stdout): MetricsExporter {
  const { verbosity } = settings.config;
  return {
    consumer: {
      consumeMetrics: async (batch) => {
        const text = verbosity === 'detailed'
          ? `${formatMetricsBasic(batch, new Date()).split('\n')[0]}\n${formatMetricsDetailed(batch)}`
          : formatMetricsBasic(batch, new Date());
        sink.write(text + '\n');
        return ACCEPTED;
      },
      flush: async () => {},
    },
    shape: DEFAULT_SHAPE,
    shutdown: async () => {},
  };
}

export function createDebugLogsExporter(settings: ComponentSettings<DebugConfig>, sink: TextSink = stdout): LogsExporter {
  const detailed = settings.config.verbosity === 'detailed';
  return {
    consumer: {
      // Printed is as kept as the debug exporter promises.
      consumeLogs: async (batch) => {
        sink.write(batch.map((record) => formatLogRecord(record, detailed)).join('\n') + '\n');
        return ACCEPTED;
      },
      flush: async () => {},
    },
    shutdown: async () => {},
  };
}
