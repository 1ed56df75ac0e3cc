// What the prometheus exporter serves: the last data point of every series it was handed, as
// the Collector's prometheus exporter keeps them (its accumulator). A series that no batch
// has carried for metric_expiration is dropped (a removed project folder, an integration that
// went away); cumulative sums and histograms keep their totals, gauges their last value.
import type { Resource } from '@opentelemetry/resources';
import type { MetricData, ResourceMetrics, ScopeMetrics } from '@opentelemetry/sdk-metrics';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { MetricBatch } from '../../component/consumer.ts';

type Point = MetricData['dataPoints'][number];

interface StoredMetric {
  scope: InstrumentationScope;
  /** The metric as last handed over, without its points. */
  metric: MetricData;
  points: Map<string, { point: Point; at: number }>;
}

function attributesKey(point: Point): string {
  const keys = Object.keys(point.attributes).sort();
  return JSON.stringify(keys.map((key) => [key, point.attributes[key]]));
}

export class SeriesStore {
  private readonly expirationMs: number;
  private readonly metrics = new Map<string, StoredMetric>();
  private resource: Resource | undefined;

  constructor(expirationMs: number) {
    this.expirationMs = expirationMs;
  }

  take(batch: MetricBatch, now = Date.now()): void {
    this.resource = batch.resource;
    for (const { scope, metrics } of batch.scopeMetrics) {
      for (const metric of metrics) {
        const key = `${scope.name}\0${scope.version ?? ''}\0${metric.descriptor.name}`;
        let stored = this.metrics.get(key);
        if (!stored) this.metrics.set(key, (stored = { scope, metric, points: new Map() }));
        stored.metric = metric;
        for (const point of metric.dataPoints as Point[]) stored.points.set(attributesKey(point), { point, at: now });
      }
    }
  }

  /** Every series still current, as one ResourceMetrics (undefined before the first batch). */
  snapshot(now = Date.now()): ResourceMetrics | undefined {
    if (!this.resource) return undefined;
    const scopes = new Map<InstrumentationScope, ScopeMetrics>();
    for (const [key, stored] of this.metrics) {
      for (const [series, { at }] of stored.points) if (now - at > this.expirationMs) stored.points.delete(series);
      if (stored.points.size === 0) {
        this.metrics.delete(key);
        continue;
      }
      let scope = scopes.get(stored.scope);
      if (!scope) scopes.set(stored.scope, (scope = { scope: stored.scope, metrics: [] }));
      const dataPoints = [...stored.points.values()].map(({ point }) => point);
      scope.metrics.push({ ...stored.metric, dataPoints } as MetricData);
    }
    return { resource: this.resource, scopeMetrics: [...scopes.values()] };
  }
}
