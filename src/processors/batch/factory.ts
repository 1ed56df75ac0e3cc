// batch: gathers batches of either signal and hands them on together, when send_batch_size
// items (metric data points or log records) are waiting or `timeout` has passed since the
// first of them, so that exporters send fewer, larger requests. It is the only batcher of a
// pipeline: exporters queue what they are handed at once.
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { Resource } from '@opentelemetry/resources';
import * as z from 'zod';
import type { Commit, ProcessorFactory } from '../../component/component.ts';
import {
  countPoints, type LogBatch, type LogsConsumer, type MetricBatch, type MetricsConsumer,
} from '../../component/consumer.ts';
import { positiveDuration } from '../../config/schema-types.ts';

export const batchConfigSchema = z.strictObject({
  send_batch_size: z.int().positive().default(8192),
  timeout: positiveDuration(200),
});

export type BatchConfig = z.infer<typeof batchConfigSchema>;

/** What is waiting, released by size or by time. */
abstract class Gathering<T> {
  private readonly config: BatchConfig;
  protected waiting: T[] = [];
  private items = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(config: BatchConfig) {
    this.config = config;
  }

  protected abstract count(batch: T): number;
  protected abstract handOn(batches: T[]): void;

  protected take(batch: T): void {
    this.waiting.push(batch);
    this.items += this.count(batch);
    if (this.items >= this.config.send_batch_size) this.release();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.release(), this.config.timeout);
      this.timer.unref();
    }
  }

  protected release(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches = this.waiting;
    this.waiting = [];
    this.items = 0;
    if (batches.length > 0) this.handOn(batches);
  }
}

/** Batches of one resource become one: their scopes side by side (a scope may appear twice, as OTLP allows). */
export function mergeMetrics(batches: readonly MetricBatch[]): MetricBatch[] {
  const byResource = new Map<Resource, MetricBatch>();
  for (const batch of batches) {
    const merged = byResource.get(batch.resource);
    byResource.set(batch.resource, merged ? { resource: batch.resource, scopeMetrics: [...merged.scopeMetrics, ...batch.scopeMetrics] } : batch);
  }
  return [...byResource.values()];
}

class MetricsBatcher extends Gathering<MetricBatch> implements MetricsConsumer {
  private readonly next: MetricsConsumer;
  constructor(config: BatchConfig, next: MetricsConsumer) {
    super(config);
    this.next = next;
  }
  protected count(batch: MetricBatch): number {
    return countPoints(batch);
  }
  protected handOn(batches: MetricBatch[]): void {
    for (const merged of mergeMetrics(batches)) this.next.consumeMetrics(merged);
  }
  consumeMetrics(batch: MetricBatch): void {
    this.take(batch);
  }
  async flush(): Promise<void> {
    this.release();
    await this.next.flush();
  }
}

class LogsBatcher extends Gathering<LogBatch> implements LogsConsumer {
  private readonly next: LogsConsumer;
  constructor(config: BatchConfig, next: LogsConsumer) {
    super(config);
    this.next = next;
  }
  protected count(batch: LogBatch): number {
    return batch.length;
  }
  protected handOn(batches: LogBatch[]): void {
    this.next.consumeLogs(batches.length === 1 ? batches[0]! : ([] as ReadableLogRecord[]).concat(...batches));
  }
  consumeLogs(batch: LogBatch): void {
    this.take(batch);
  }
  async flush(): Promise<void> {
    this.release();
    await this.next.flush();
  }
  /** What waits goes on at once (commit does not wait for `timeout`), then the exporters answer. */
  commit(): Promise<Commit> {
    this.release();
    return this.next.commit();
  }
}

export const batchProcessorFactory: ProcessorFactory<BatchConfig> = {
  kind: 'processor',
  type: 'batch',
  stability: 'beta',
  description: 'Hands metric data points and log records on in batches (send_batch_size, timeout), so that exporters send fewer, larger requests.',
  signals: ['metrics', 'logs'],
  configSchema: batchConfigSchema,
  createProcessor: ({ config }) => ({
    metrics: (next) => new MetricsBatcher(config, next),
    logs: (next) => new LogsBatcher(config, next),
  }),
};
