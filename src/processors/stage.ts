// The shape of most processor stages: change each batch (or drop it) and hand it on; the
// answer comes back from the stage after. A batch dropped whole needs no keeping: accepted.
import { ACCEPTED, type LogBatch, type LogsConsumer, type MetricBatch, type MetricsConsumer } from '../component/consumer.ts';

/** A metrics stage that hands on `change(batch)`, or nothing when it returns undefined. */
export function metricsStage(next: MetricsConsumer, change: (batch: MetricBatch) => MetricBatch | undefined): MetricsConsumer {
  return {
    consumeMetrics: async (batch) => {
      const changed = change(batch);
      return changed ? next.consumeMetrics(changed) : ACCEPTED;
    },
    flush: () => next.flush(),
  };
}

/** A logs stage that hands on `change(batch)` unless it is empty. */
export function logsStage(next: LogsConsumer, change: (batch: LogBatch) => LogBatch): LogsConsumer {
  return {
    consumeLogs: async (batch) => {
      const changed = change(batch);
      return changed.length > 0 ? next.consumeLogs(changed) : ACCEPTED;
    },
    flush: () => next.flush(),
  };
}
