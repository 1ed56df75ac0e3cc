// What both batchers share (the batch processor, an exporter's sending_queue.batch): batches
// are held until `minItems` items wait or `timeoutMs` has passed since the first of them, then
// released together. A timeout of 0 releases each batch as it comes.
import type { LogBatch, MetricBatch } from './consumer.ts';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { Resource } from '@opentelemetry/resources';

export interface GathererOptions<T> {
  timeoutMs: number;
  minItems: number;
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

/** Metric batches of one resource become one: their scopes side by side (a scope may appear twice, as OTLP allows). */
export function mergeMetrics(batches: readonly MetricBatch[]): MetricBatch[] {
  if (batches.length === 1) return [batches[0]!];
  const byResource = new Map<Resource, MetricBatch>();
  for (const batch of batches) {
    const merged = byResource.get(batch.resource);
    byResource.set(batch.resource, merged ? { resource: batch.resource, scopeMetrics: [...merged.scopeMetrics, ...batch.scopeMetrics] } : batch);
  }
  return [...byResource.values()];
}

/** Log batches become one (each record carries its own resource). */
export function mergeLogs(batches: readonly LogBatch[]): LogBatch {
  return batches.length === 1 ? batches[0]! : ([] as ReadableLogRecord[]).concat(...batches);
}
