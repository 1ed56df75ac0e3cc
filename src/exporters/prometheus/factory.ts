import type { ExporterFactory } from '../../component/component.ts';
import { type PrometheusConfig, prometheusConfigSchema } from './config.ts';
import { createPrometheusExporter } from './exporter.ts';

export const prometheusExporterFactory: ExporterFactory<PrometheusConfig> = {
  kind: 'exporter',
  type: 'prometheus',
  stability: 'beta',
  description: 'Serves metrics for Prometheus to scrape at http://<endpoint>/metrics.',
  signals: ['metrics'],
  configSchema: prometheusConfigSchema,
  onePipelineOnly: true,
  createMetricsExporter: createPrometheusExporter,
};
