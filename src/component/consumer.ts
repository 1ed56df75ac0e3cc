// What flows through a pipeline, and what takes it, as in the OpenTelemetry Collector's
// consumer package: a receiver's observations leave as one batch (OTLP-shaped: a resource,
// scopes, metrics and their data points, or log records), processors take a batch and hand
// on a batch, exporters send it. A batch is never changed once handed on: a receiver in two
// pipelines hands the same batch to both, so a processor that changes data makes a new one.
//
// Consuming answers, as ConsumeLogs(ctx, logs) error does in the Collector: the promise
// resolves once the batch is taken as far as the exporters promise (a disk queue: written
// and fsynced; a memory queue, prometheus, debug: held), or refused with a reason the caller
// must handle (a memory_limiter, a full queue or disk, a batch that can never be taken). A
// stage that drops records on purpose (a filter) answers accepted: they need no keeping.
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InstrumentType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

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

/**
 * Observable gauges are collected with delta temporality, so that a series a callback no
 * longer observes (a project folder that was removed) is simply absent from the next batch;
 * with cumulative temporality the SDK repeats its last value for ever. OTLP gauges carry no
 * temporality, so nothing else changes. With `delta`, counters and histograms are delta;
 * up-down counters stay cumulative, as the SDK's delta preference and New Relic's and
 * Datadog's guidance have it.
 */
export function temporalityOf(shape: MetricShape, instrument: InstrumentType): AggregationTemporality {
  if (instrument === InstrumentType.OBSERVABLE_GAUGE) return AggregationTemporality.DELTA;
  if (shape.temporality === 'cumulative') return AggregationTemporality.CUMULATIVE;
  return instrument === InstrumentType.UP_DOWN_COUNTER || instrument === InstrumentType.OBSERVABLE_UP_DOWN_COUNTER
    ? AggregationTemporality.CUMULATIVE
    : AggregationTemporality.DELTA;
}

/** A key that is equal for equal shapes. */
export function shapeKey(shape: MetricShape): string {
  return `${shape.temporality}/${shape.histogram}`;
}

/** Why a batch was not taken. All but `permanent` may succeed when tried again later. */
export type RefusalReason =
  /** A memory_limiter: the agent's memory is above its limit. */
  | 'memory_limit'
  /** A sending queue has no room (its bound, or it is closed while stopping). */
  | 'queue_full'
  /** A disk queue cannot write (ENOSPC, EDQUOT, EIO). */
  | 'disk_full'
  /** Never takeable (it cannot be encoded, say): trying again does not help. */
  | 'permanent';

export interface Refusal {
  reason: RefusalReason;
  message: string;
  /** The component that refused (a processor or an exporter id). */
  by: string;
}

/** What a consumer answers for one batch. */
export type Answer = { readonly accepted: true } | { readonly accepted: false; readonly refusal: Refusal };

export const ACCEPTED: Answer = Object.freeze({ accepted: true });

export function refused(reason: RefusalReason, by: string, message: string): Answer {
  return { accepted: false, refusal: { reason, by, message } };
}

/**
 * The answer of several consumers that got the same batch (a fan-out): accepted when all
 * accepted, else the first refusal worth trying again (a retry may mend it), else the first.
 * A consumer that accepted gets the batch again on a retry: a disk queue drops the copies by
 * their log.record.uid.
 */
export function answerAll(answers: readonly Answer[]): Answer {
  let first: Answer | undefined;
  for (const answer of answers) {
    if (answer.accepted) continue;
    if (answer.refusal.reason !== 'permanent') return answer;
    first ??= answer;
  }
  return first ?? ACCEPTED;
}

export interface MetricsConsumer {
  /** Takes one batch and answers when it is taken as far as promised, or refused; never rejects. */
  consumeMetrics(batch: MetricBatch): Promise<Answer>;
  /** Hands on what is held (a batch processor's buffer) and waits until the exporters sent it or a send failed. */
  flush(): Promise<void>;
}

export interface LogsConsumer {
  /** Takes one batch and answers when it is taken as far as promised, or refused; never rejects. */
  consumeLogs(batch: LogBatch): Promise<Answer>;
  flush(): Promise<void>;
}

export function countPoints(batch: MetricBatch): number {
  let count = 0;
  for (const scope of batch.scopeMetrics) for (const metric of scope.metrics) count += metric.dataPoints.length;
  return count;
}
