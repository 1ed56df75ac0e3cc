// The otlphttp exporter: the official OTLP/HTTP exporters of the OpenTelemetry JS SDK
// (JSON or protobuf), with gzip, headers, TLS and temporality from the configuration.
import { readFileSync } from 'node:fs';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import {
  AggregationTemporalityPreference, OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { ComponentSettings, LogsExporter, MetricsExporter } from '../../component/component.ts';
import { reportingLogExporter, reportingMetricExporter } from '../export-reporting.ts';
import { type OtlpHttpConfig, signalUrl } from './config.ts';

function commonOptions(config: OtlpHttpConfig, signal: 'metrics' | 'logs') {
  const ca = config.tls.ca_file === '' ? undefined : readFileSync(config.tls.ca_file);
  return {
    url: signalUrl(config, signal),
    headers: config.headers,
    timeoutMillis: config.timeout,
    compression: config.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
    httpAgentOptions: {
      keepAlive: true,
      ...(ca ? { ca } : {}),
      ...(config.tls.insecure_skip_verify ? { rejectUnauthorized: false } : {}),
    },
  };
}

export function createOtlpMetricsExporter(settings: ComponentSettings<OtlpHttpConfig>): MetricsExporter {
  const { config } = settings;
  const options = {
    ...commonOptions(config, 'metrics'),
    temporalityPreference: config.temporality === 'delta'
      ? AggregationTemporalityPreference.DELTA
      : AggregationTemporalityPreference.CUMULATIVE,
  };
  const exporter = config.encoding === 'json' ? new JsonMetricExporter(options) : new ProtoMetricExporter(options);
  return {
    reader: new PeriodicExportingMetricReader({
      exporter: reportingMetricExporter(exporter, settings.log, options.url),
      exportIntervalMillis: config.export_interval,
      exportTimeoutMillis: Math.min(config.timeout, config.export_interval),
    }),
  };
}

export function createOtlpLogsExporter(settings: ComponentSettings<OtlpHttpConfig>): LogsExporter {
  const { config } = settings;
  const options = commonOptions(config, 'logs');
  const exporter = config.encoding === 'json' ? new JsonLogExporter(options) : new ProtoLogExporter(options);
  return {
    processor: new BatchLogRecordProcessor({
      exporter: reportingLogExporter(exporter, settings.log, options.url),
      scheduledDelayMillis: 1000,
      exportTimeoutMillis: config.timeout,
    }),
  };
}
