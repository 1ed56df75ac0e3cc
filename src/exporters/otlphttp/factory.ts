import type { ExporterFactory } from '../../component/component.ts';
import { type OtlpHttpConfig, otlpHttpConfigSchema } from './config.ts';
import { createOtlpLogsExporter, createOtlpMetricsExporter } from './exporter.ts';

export const otlpHttpExporterFactory: ExporterFactory<OtlpHttpConfig> = {
  kind: 'exporter',
  type: 'otlphttp',
  stability: 'beta',
  description: 'Sends metrics and logs over OTLP/HTTP (protobuf or JSON, gzip) to a Collector or a backend, with a sending queue, retries and an optional disk queue (storage).',
  signals: ['metrics', 'logs'],
  configSchema: otlpHttpConfigSchema,
  createMetricsExporter: createOtlpMetricsExporter,
  createLogsExporter: createOtlpLogsExporter,
};
