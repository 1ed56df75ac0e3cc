// The otlphttp exporter: OTLP/HTTP (protobuf or JSON, gzip by default) with what the
// Collector's exporter helper gives its exporters: a bounded sending queue, optionally on
// disk (storage), retries with backoff, and requests split under max_request_size.
// Encoding uses the OpenTelemetry JS SDK's own OTLP serializers; see ../delivery/.
import type { ExporterSettings, LogsExporter, MetricsExporter } from '../../component/component.ts';
import { createQueuedLogsExporter, createQueuedMetricsExporter } from '../delivery/push-exporter.ts';
import { type OtlpHttpConfig, signalUrl } from './config.ts';

export function createOtlpMetricsExporter(settings: ExporterSettings<OtlpHttpConfig>): MetricsExporter {
  return createQueuedMetricsExporter(settings, signalUrl(settings.config, 'metrics'));
}

export function createOtlpLogsExporter(settings: ExporterSettings<OtlpHttpConfig>): LogsExporter {
  return createQueuedLogsExporter(settings, signalUrl(settings.config, 'logs'));
}
