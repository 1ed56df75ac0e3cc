// What both batchers share (the batch processor, an exporter's sending_queue.batch): batches
// are held until `minItems` items wait or `timeoutMs` has passed since the first of them, then
// released together. A timeout of 0 releases each batch as it comes.
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { Resource } from '@opentelemetry/resources';
import { countPoints, type LogBatch, type MetricBatch } from './consumer.ts';

/** When gathered batches are released: `timeoutMs` after the first, or once `minItems` items wait. */
export interface Gathering {
  timeoutMs: number;
  minItems: number;
}

export interface GathererOptions<T> extends Gathering {
  count(batch: T): number;
  release(batches: T[]): void;
}

export class Gatherer<T> {
  private readonly options: GathererOptions<T>;
  private waiting: T[] = [];
  private items = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: GathererOptions<T>) {
    this.options = options;
  }

  take(batch: T): void {
    if (this.options.timeoutMs === 0) {
      this.options.release([batch]);
      return;
    }
    this.waiting.push(batch);
    this.items += this.options.count(batch);
    if (this.items >= this.options.minItems) this.release();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.release(), this.options.timeoutMs);
      this.timer.unref();
    }
  }

  /** Releases what waits now. */
  release(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches = this.waiting;
    this.waiting = [];
    this.items = 0;
    if (batches.length > 0) this.options.release(batches);
  }
}

/** Gathers metric batches by data points; hands on one merged batch per resource. */
export function metricsGatherer(gathering: Gathering, handOn: (batch: MetricBatch) => void): Gatherer<MetricBatch> {
  return new Gatherer({ ...gathering, count: countPoints, release: (batches) => { for (const merged of mergeMetrics(batches)) handOn(merged); } });
}

/** Gathers log batches by records; hands on one batch. */
export function logsGatherer(gathering: Gathering, handOn: (batch: LogBatch) => void): Gatherer<LogBatch> {
  return new Gatherer({ ...gathering, count: (batch) => batch.length, release: (batches) => handOn(mergeLogs(batches)) });
}

/** Metric batches of one resource become one: their scopes side by side (a scope may appear twice, as OTLP allows). */
function mergeMetrics(batches: readonly MetricBatch[]): MetricBatch[] {
  if (batches.length === 1) return [batches[0]!];
  const byResource = new Map<Resource, MetricBatch>();
  for (const batch of batches) {
    const merged = byResource.get(batch.resource);
    byResource.set(batch.resource, merged ? { resource: batch.resource, scopeMetrics: [...merged.scopeMetrics, ...batch.scopeMetrics] } : batch);
  }
  return [...byResource.values()];
}

/** Log batches become one (each record carries its own resource). */
function mergeLogs(batches: readonly LogBatch[]): LogBatch {
  return batches.length === 1 ? batches[0]! : ([] as ReadableLogRecord[]).concat(...batches);
}
