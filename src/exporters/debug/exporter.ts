// The debug exporter: what the agent sends, printed on stdout for a person to read, batch by
// batch as the pipeline hands them over.
import type { ComponentSettings, LogsExporter, MetricsExporter } from '../../component/component.ts';
import { DEFAULT_SHAPE } from '../../component/consumer.ts';
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
      consumeMetrics: (batch) => {
        const text = verbosity === 'detailed'
          ? `${formatMetricsBasic(batch, new Date()).split('\n')[0]}\n${formatMetricsDetailed(batch)}`
          : formatMetricsBasic(batch, new Date());
        sink.write(text + '\n');
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
      consumeLogs: (batch) => sink.write(batch.map((record) => formatLogRecord(record, detailed)).join('\n') + '\n'),
      flush: async () => {},
      // Printed is as kept as the debug exporter promises.
      commit: async () => ({ kept: true, lost: 0 }),
    },
    shutdown: async () => {},
  };
}
