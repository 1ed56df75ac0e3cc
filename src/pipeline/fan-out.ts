// A pipeline with several exporters hands each batch to every one, as the Collector's
// fan-out consumer does; the batch is shared, never copied (consumers do not change it), and
// the answers are joined (answerAll): accepted when every exporter accepted.
import { answerAll, type LogBatch, type LogsConsumer, type MetricBatch, type MetricsConsumer } from '../component/consumer.ts';

export function fanOutMetrics(consumers: readonly MetricsConsumer[]): MetricsConsumer {
  if (consumers.length === 1) return consumers[0]!;
  return {
    consumeMetrics: async (batch: MetricBatch) => answerAll(await Promise.all(consumers.map((consumer) => consumer.consumeMetrics(batch)))),
    flush: async () => { await Promise.all(consumers.map((consumer) => consumer.flush())); },
  };
}

export function fanOutLogs(consumers: readonly LogsConsumer[]): LogsConsumer {
  if (consumers.length === 1) return consumers[0]!;
  return {
    consumeLogs: async (batch: LogBatch) => answerAll(await Promise.all(consumers.map((consumer) => consumer.consumeLogs(batch)))),
    flush: async () => { await Promise.all(consumers.map((consumer) => consumer.flush())); },
  };
}
