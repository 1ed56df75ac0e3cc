// The prometheus exporter: a pull endpoint at http://<endpoint>/metrics. A plain pull
// reader collects on each scrape and the SDK's serializer writes the text format; the names
// get their unit suffixes first (naming.ts), which the SDK does not add. The server is
// started before the receivers, so that a port already in use stops the agent clearly.
import { createServer, type Server } from 'node:http';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { AggregationTemporality, type AggregationTemporalitySelector, MetricReader, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { cardinalitySelector } from '../../telemetry/cardinality.ts';
import { temporalityFor } from '../gauge-temporality.ts';
import type { ExporterSettings, MetricsExporter } from '../../component/component.ts';
import { type PrometheusConfig, splitHostPort } from './config.ts';
import { withUnitSuffixes } from './naming.ts';

export function createPrometheusExporter(settings: ExporterSettings<PrometheusConfig>): MetricsExporter {
  const { config, log } = settings;
  // The agent's own metrics (otelcol_*) are served beside the pipeline's, as the Collector serves its own.
  const reader = new PullReader(settings.selfMetrics ? [settings.selfMetrics(cumulative)] : []);
  const serializer = new PrometheusSerializer('', false, undefined, false, !config.with_scope_info);
  let server: Server | undefined;

  const handle: Parameters<typeof createServer>[1] = (request, response) => {
    if (request.method !== 'GET' || !(request.url ?? '').startsWith('/metrics')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
      return;
    }
    reader.collect().then(({ resourceMetrics, errors }) => {
      for (const error of errors) log.problem('collect', 'warn', `collecting metrics for /metrics: ${String(error)}`);
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      response.end(serializer.serialize(withUnitSuffixes(resourceMetrics)));
    }, (error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`collecting metrics failed: ${String(error)}\n`);
    });
  };

  reader.onStop = async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
  };

  return {
    reader,
    async start() {
      const { host, port } = splitHostPort(config.endpoint);
      server = createServer(handle);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', (error) => reject(new Error(`${settings.id}: cannot listen on ${config.endpoint}: ${error.message}`)));
        server!.listen(port, host, resolve);
      });
      log.info(`serving Prometheus metrics on http://${config.endpoint}/metrics`);
    },
  };
}

const cumulative: AggregationTemporalitySelector = (instrument) => temporalityFor(instrument, () => AggregationTemporality.CUMULATIVE);

/** Collects when scraped: cumulative sums and histograms, current gauges only. */
class PullReader extends MetricReader {
  onStop: () => Promise<void> = async () => {};
  constructor(metricProducers: MetricProducer[]) {
    super({ aggregationTemporalitySelector: cumulative, metricProducers, cardinalitySelector });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {
    await this.onStop();
  }
}
