// batch: gathers batches of either signal and hands them on together, when send_batch_size
// items (metric data points or log records) are waiting or `timeout` has passed since the
// first of them, so that the stages after it and the exporters get fewer, larger batches. A
// pipeline batches once: its exporters then send what it hands them as it comes. Each batch's
// answer is that of the gathered batch it left in (the Collector's batch processor answers at
// once and so cannot pass a refusal back; this one waits).
import * as z from 'zod';
import type { ProcessorFactory } from '../../component/component.ts';
import type { LogsConsumer, MetricsConsumer } from '../../component/consumer.ts';
import { type Gathering, logsGatherer, metricsGatherer } from '../../component/gatherer.ts';
import { positiveDuration } from '../../config/schema-types.ts';

export const batchConfigSchema = z.strictObject({
  send_batch_size: z.int().positive().default(8192),
  timeout: positiveDuration(200),
});

export type BatchConfig = z.infer<typeof batchConfigSchema>;

const gathering = (config: BatchConfig): Gathering => ({ timeoutMs: config.timeout, minItems: config.send_batch_size });

function metricsBatcher(config: BatchConfig, next: MetricsConsumer): MetricsConsumer {
  const gatherer = metricsGatherer(gathering(config), (batch) => next.consumeMetrics(batch));
  return {
    consumeMetrics: (batch) => gatherer.take(batch),
    flush: async () => {
      gatherer.release();
      await next.flush();
    },
  };
}

function logsBatcher(config: BatchConfig, next: LogsConsumer): LogsConsumer {
  const gatherer = logsGatherer(gathering(config), (batch) => next.consumeLogs(batch));
  return {
    consumeLogs: (batch) => gatherer.take(batch),
    flush: async () => {
      gatherer.release();
      await next.flush();
    },
  };
}

export const batchProcessorFactory: ProcessorFactory<BatchConfig> = {
  kind: 'processor',
  type: 'batch',
  stability: 'beta',
  description: 'Hands metric data points and log records on in batches (send_batch_size, timeout); its pipeline\'s exporters then send them as they come.',
  signals: ['metrics', 'logs'],
  configSchema: batchConfigSchema,
  batches: true,
  createProcessor: ({ config }) => ({
    metrics: (next) => metricsBatcher(config, next),
    logs: (next) => logsBatcher(config, next),
  }),
};
