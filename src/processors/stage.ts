// The shape of most processor stages: change each batch (or drop it) and hand it on; flush
// and commit pass straight through, since nothing is held.
import type { LogBatch, LogsConsumer, MetricBatch, MetricsConsumer } from '../component/consumer.ts';

/** A metrics stage that hands on `change(batch)`, or nothing when it returns undefined. */
export function metricsStage(next: MetricsConsumer, change: (batch: MetricBatch) => MetricBatch | undefined): MetricsConsumer {
  return {
    consumeMetrics: (batch) => {
      const changed = change(batch);
      if (changed) next.consumeMetrics(changed);
    },
    flush: () => next.flush(),
  };
}

/** A logs stage that hands on `change(batch)` unless it is empty. */
export function logsStage(next: LogsConsumer, change: (batch: LogBatch) => LogBatch): LogsConsumer {
  return {
    consumeLogs: (batch) => {
      const changed = change(batch);
      if (changed.length > 0) next.consumeLogs(changed);
    },
    flush: () => next.flush(),
    // A record a stage dropped needs no keeping: the exporters answer for the rest.
    commit: () => next.commit(),
  };
}
