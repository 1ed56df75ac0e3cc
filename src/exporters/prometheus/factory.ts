// prometheus: serves the pipeline's metrics for Prometheus to scrape. Its code (the exposition
// format's serializer, the series store) is loaded only for a configuration that uses it.
import type { ExporterFactory } from '../../component/component.ts';
import { type PrometheusConfig, prometheusConfigSchema } from './config.ts';

let implementation: typeof import('./exporter.ts') | undefined;

export const prometheusExporterFactory: ExporterFactory<PrometheusConfig> = {
  kind: 'exporter',
  type: 'prometheus',
  stability: 'beta',
  description: 'Serves metrics for Prometheus to scrape at http://<endpoint>/metrics.',
  signals: ['metrics'],
  configSchema: prometheusConfigSchema,
  onePipelineOnly: true,
  load: async () => {
    implementation ??= await import('./exporter.ts');
  },
  createMetricsExporter: (settings) => {
    if (implementation === undefined) throw new Error(`${settings.id}: the prometheus exporter's code was not loaded (factory.load)`);
    return implementation.createPrometheusExporter(settings);
  },
};
