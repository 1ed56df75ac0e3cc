// What flows through a pipeline, and what takes it, as in the OpenTelemetry Collector's
// consumer package: a receiver's observations leave as one batch (OTLP-shaped: a resource,
// scopes, metrics and their data points, or log records), processors take a batch and hand
// on a batch, exporters send it. A batch is never changed once handed on: a receiver in two
// pipelines hands the same batch to both, so a processor that changes data makes a new one.
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Commit } from './component.ts';

/** One collection of one source: the resource, and its scopes with their metrics and data points. */
export type MetricBatch = ResourceMetrics;

/** Log records handed on together; each carries its resource and scope (as the OTLP encoders take them). */
export type LogBatch = readonly ReadableLogRecord[];

/**
 * How an exporter wants metrics: cumulative or delta sums and histograms, explicit-bucket or
 * base-2 exponential histograms. The source aggregates for each shape asked for (the SDK
 * cannot turn one into the other afterwards), and a pipeline's processors see each shape's
 * batches in turn.
 */
export interface MetricShape {
  temporality: 'cumulative' | 'delta';
  histogram: 'explicit' | 'exponential';
}

export const DEFAULT_SHAPE: MetricShape = { temporality: 'cumulative', histogram: 'explicit' };

/** A key that is equal for equal shapes. */
export function shapeKey(shape: MetricShape): string {
  return `${shape.temporality}/${shape.histogram}`;
}

export interface MetricsConsumer {
  /** Takes one batch, synchronously; problems are counted and said by the consumer, not thrown. */
  consumeMetrics(batch: MetricBatch): void;
  /** Hands on what is held (a batch processor's buffer) and waits until the exporters sent it or a send failed. */
  flush(): Promise<void>;
}

export interface LogsConsumer {
  consumeLogs(batch: LogBatch): void;
  flush(): Promise<void>;
  /**
   * Hands on what is held without waiting for the network and asks the exporters whether they
   * keep everything taken so far as they promise (see Commit).
   */
  commit(): Promise<Commit>;
}

export function countPoints(batch: MetricBatch): number {
  let count = 0;
  for (const scope of batch.scopeMetrics) for (const metric of scope.metrics) count += metric.dataPoints.length;
  return count;
}
