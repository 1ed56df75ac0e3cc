import type { ExporterFactory } from '../../component/component.ts';
import { type DebugConfig, debugConfigSchema } from './config.ts';
import { createDebugLogsExporter, createDebugMetricsExporter } from './exporter.ts';

export const debugExporterFactory: ExporterFactory<DebugConfig> = {
  kind: 'exporter',
  type: 'debug',
  stability: 'beta',
  description: 'Prints metrics and log records on stdout: a summary (basic) or every point and record (detailed).',
  signals: ['metrics', 'logs'],
  configSchema: debugConfigSchema,
  createMetricsExporter: (settings) => createDebugMetricsExporter(settings),
  createLogsExporter: (settings) => createDebugLogsExporter(settings),
};
