// Where metric batches come from: a MeterProvider of one source (a receiver, the agent's own
// metrics, the leadership gauge) with one reader per shape its pipelines ask for. The source
// writes on the API instruments as it observes; report() collects each reader at once and
// hands each batch to the routes of its shape, so the batch leaves when the source observed
// (its data points carry that time), not when some exporter's timer fires.
import type { Meter } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import {
  type AggregationOption, AggregationTemporality, AggregationType, InstrumentType, MeterProvider, MetricReader,
} from '@opentelemetry/sdk-metrics';
import { type Answer, type MetricBatch, type MetricShape, shapeKey, temporalityOf } from '../component/consumer.ts';
import { cardinalitySelector } from '../telemetry/cardinality.ts';
import { AGENT_VERSION } from '../version.ts';


function aggregationOf(shape: MetricShape, instrument: InstrumentType): AggregationOption {
  return instrument === InstrumentType.HISTOGRAM && shape.histogram === 'exponential'
    ? { type: AggregationType.EXPONENTIAL_HISTOGRAM }
    : { type: AggregationType.DEFAULT };
}

/** A reader that collects when the source reports. */
class ShapeReader extends MetricReader {
  constructor(shape: MetricShape) {
    super({
      aggregationTemporalitySelector: (instrument) => temporalityOf(shape, instrument),
      aggregationSelector: (instrument) => aggregationOf(shape, instrument),
      cardinalitySelector,
    });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** The batch without scopes and metrics that hold no data point; undefined when nothing is left. */
function withoutEmpty(batch: MetricBatch): MetricBatch | undefined {
  if (batch.scopeMetrics.length > 0 && batch.scopeMetrics.every((scope) => scope.metrics.length > 0 && scope.metrics.every((metric) => metric.dataPoints.length > 0))) return batch;
  const scopeMetrics = batch.scopeMetrics
    .map((scope) => ({ ...scope, metrics: scope.metrics.filter((metric) => metric.dataPoints.length > 0) }))
    .filter((scope) => scope.metrics.length > 0);
  return scopeMetrics.length === 0 ? undefined : { resource: batch.resource, scopeMetrics };
}

export class MetricSource {
  private readonly readers = new Map<string, ShapeReader>();
  private readonly routes = new Map<string, ((batch: MetricBatch) => Promise<Answer> | void)[]>();
  private readonly provider: MeterProvider;
  private reporting: Promise<void> = Promise.resolve();
  private onError: (error: unknown) => void;

  /** One reader per shape in `shapes` (each is made once); the provider cannot take readers later. */
  constructor(resource: Resource, shapes: readonly MetricShape[], onError: (error: unknown) => void) {
    for (const shape of shapes) {
      const key = shapeKey(shape);
      if (!this.readers.has(key)) this.readers.set(key, new ShapeReader(shape));
    }
    this.provider = new MeterProvider({ resource, readers: [...this.readers.values()] });
    this.onError = onError;
  }

  meter(scope: string): Meter {
    return this.provider.getMeter(scope, AGENT_VERSION);
  }

  /** Where batches of `shape` go (a pipeline's entry, an observer); the shape must be one the source was made with. */
  route(shape: MetricShape, to: (batch: MetricBatch) => Promise<Answer> | void): void {
    const key = shapeKey(shape);
    if (!this.readers.has(key)) throw new Error(`metric source: no reader for the shape ${key}`);
    let list = this.routes.get(key);
    if (!list) this.routes.set(key, (list = []));
    list.push(to);
  }

  /** Collects every shape now and hands the batches on; reports never overlap. */
  report(): Promise<void> {
    this.reporting = this.reporting.then(() => this.collectAll());
    return this.reporting;
  }

  private async collectAll(): Promise<void> {
    for (const [key, reader] of this.readers) {
      const routes = this.routes.get(key);
      if (!routes) continue;
      try {
        const { resourceMetrics, errors } = await reader.collect();
        for (const error of errors) this.onError(error);
        const batch = withoutEmpty(resourceMetrics);
        if (batch) for (const to of routes) void to(batch);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  async shutdown(): Promise<void> {
    await this.reporting;
    await this.provider.shutdown().catch(() => {});
  }
}
