// The prometheus exporter: a pull endpoint at http://<endpoint>/metrics. It keeps the last
// point of every series the pipeline hands it (series-store.ts) and writes them in the text
// format when scraped (text-format.ts: the SDK serializer's text, written as it is made); the
// names get their unit suffixes first (naming.ts), which the SDK does not add. The server is
// started before the receivers, so that a port already in use stops the agent clearly.
import type { RequestListener } from 'node:http';
import type { AggregationTemporalitySelector, MetricProducer, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ExporterSettings, MetricsExporter } from '../../component/component.ts';
import { ACCEPTED, DEFAULT_SHAPE, temporalityOf } from '../../component/consumer.ts';
import { type HttpServer, startHttpServer } from '../../component/http-server.ts';
import type { PrometheusConfig } from './config.ts';
import { withUnitSuffixes } from '../../telemetry/prometheus-names.ts';
import { SeriesStore } from './series-store.ts';
import { ChunkWriter, writeTextFormat } from './text-format.ts';

const cumulative: AggregationTemporalitySelector = (instrument) => temporalityOf(DEFAULT_SHAPE, instrument);

export function createPrometheusExporter(settings: ExporterSettings<PrometheusConfig>): MetricsExporter {
  const { config, log } = settings;
  const store = new SeriesStore(config.metric_expiration);
  // The agent's own metrics (otelcol_*) are served beside the pipeline's, as the Collector serves its own.
  const self: MetricProducer | undefined = settings.selfMetrics?.(cumulative);
  let server: HttpServer | undefined;

  /** Every series now: the pipeline's and the agent's own, with their unit suffixes. */
  const collect = async (): Promise<ResourceMetrics | undefined> => {
    const pipeline = store.snapshot();
    let own: ResourceMetrics | undefined;
    if (self) {
      const { resourceMetrics, errors } = await self.collect();
      for (const error of errors) log.problem('collect', 'warn', `collecting metrics for /metrics: ${String(error)}`);
      own = resourceMetrics;
    }
    const resource = pipeline?.resource ?? own?.resource;
    if (!resource) return undefined;
    return withUnitSuffixes({ resource, scopeMetrics: [...(pipeline?.scopeMetrics ?? []), ...(own?.scopeMetrics ?? [])] });
  };

  const handle: RequestListener = (request, response) => {
    if (request.method !== 'GET' || !(request.url ?? '').startsWith('/metrics')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
      return;
    }
    collect().then((all) => {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      // The text goes out in chunks as it is made (text-format.ts says why).
      if (all) writeTextFormat(all, { withScopeInfo: config.with_scope_info }, new ChunkWriter((chunk) => response.write(chunk)));
      response.end();
    }, (error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end(`collecting metrics failed: ${String(error)}\n`);
    });
  };

  return {
    consumer: {
      consumeMetrics: async (batch) => {
        store.take(batch);
        return ACCEPTED;
      },
      flush: async () => {},
    },
    shape: DEFAULT_SHAPE,
    async start() {
      server = await startHttpServer(handle, { id: settings.id, endpoint: config.endpoint, log });
      log.info(`serving Prometheus metrics on http://${config.endpoint}/metrics`);
    },
    async shutdown() {
      await server?.close();
    },
  };
}
