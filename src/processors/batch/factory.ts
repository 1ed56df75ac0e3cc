// batch: gathers log records and hands them on together, when send_batch_size records are
// waiting or `timeout` has passed since the first of them, so that exporters send fewer,
// larger requests. In a metrics pipeline it changes nothing: the metric reader already
// hands over one batch per export_interval (its requests are split by max_request_size).
import type { ReadWriteLogRecord, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import * as z from 'zod';
import { type Commit, commitStage, type LogStage, type ProcessorFactory } from '../../component/component.ts';
import { positiveDuration } from '../../config/schema-types.ts';

export const batchConfigSchema = z.strictObject({
  send_batch_size: z.int().positive().default(8192),
  timeout: positiveDuration(200),
});

export type BatchConfig = z.infer<typeof batchConfigSchema>;

class BatchStage implements LogStage {
  private readonly config: BatchConfig;
  private readonly next: LogRecordProcessor;
  private buffer: ReadWriteLogRecord[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(config: BatchConfig, next: LogRecordProcessor) {
    this.config = config;
    this.next = next;
  }

  onEmit(record: ReadWriteLogRecord): void {
    this.buffer.push(record);
    if (this.buffer.length >= this.config.send_batch_size) this.release();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.release(), this.config.timeout);
      this.timer.unref();
    }
  }

  /** Hands the batch on and has the exporters take it as one request (or as few as fit). */
  private release(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    for (const record of batch) this.next.onEmit(record);
    return batch.length === 0 ? Promise.resolve() : this.next.forceFlush().catch(() => {});
  }

  async forceFlush(): Promise<void> {
    await this.release();
    await this.next.forceFlush();
  }

  /** The batch goes on at once (commit does not wait for `timeout`), then the exporters answer. */
  commit(): Promise<Commit> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    for (const record of batch) this.next.onEmit(record);
    return commitStage(this.next);
  }

  async shutdown(): Promise<void> {
    await this.release();
    await this.next.shutdown();
  }
}

export const batchProcessorFactory: ProcessorFactory<BatchConfig> = {
  kind: 'processor',
  type: 'batch',
  stability: 'beta',
  description: 'Hands log records on in batches (send_batch_size, timeout); no effect on metrics, which come in one batch per export.',
  signals: ['metrics', 'logs'],
  configSchema: batchConfigSchema,
  createProcessor: ({ config, signal }) => (signal === 'logs' ? { logs: (next) => new BatchStage(config, next) } : {}),
};
