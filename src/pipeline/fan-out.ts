// A pipeline with several exporters hands each batch to every one, as the Collector's
// fan-out consumer does; the batch is shared, never copied (consumers do not change it).
import { commitAll } from '../component/component.ts';
import type { LogBatch, LogsConsumer, MetricBatch, MetricsConsumer } from '../component/consumer.ts';

export function fanOutMetrics(consumers: readonly MetricsConsumer[]): MetricsConsumer {
  if (consumers.length === 1) return consumers[0]!;
  return {
    consumeMetrics: (batch: MetricBatch) => { for (const consumer of consumers) consumer.consumeMetrics(batch); },
    flush: async () => { await Promise.all(consumers.map((consumer) => consumer.flush())); },
  };
}

export function fanOutLogs(consumers: readonly LogsConsumer[]): LogsConsumer {
  if (consumers.length === 1) return consumers[0]!;
  return {
    consumeLogs: (batch: LogBatch) => { for (const consumer of consumers) consumer.consumeLogs(batch); },
    flush: async () => { await Promise.all(consumers.map((consumer) => consumer.flush())); },
    commit: async () => commitAll(await Promise.all(consumers.map((consumer) => consumer.commit()))),
  };
}
