// What an extension that shows the agent's view (status_page) reads: every receiver's data
// as the receiver reported it, before any processor. The service routes each receiver's
// batches here too: the last metric batch of each receiver is kept (cumulative sums, current
// gauges: the receiver's whole state as of its last report), log records are handed to
// listeners as they come. Made only when an extension asks for it, so an agent without one
// pays nothing.
import type { Attributes } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { LogBatch, MetricBatch } from '../component/consumer.ts';
import type { ObservedLogRecord, ObservedTelemetry } from '../component/observed-telemetry.ts';

export interface ObserverOptions {
  configFile: string;
  selfTotal: (name: string, match: Attributes) => number;
  problems: () => Map<string, string[]>;
}

export class ReceiverObserver {
  private readonly latest = new Map<string, ResourceMetrics>();
  /** When each receiver's last batch was observed: its points' time (one collection: one time for all). */
  private readonly observedAt = new Map<string, number>();
  private readonly listeners = new Set<(record: ObservedLogRecord) => void>();
  private readonly options: ObserverOptions;

  constructor(options: ObserverOptions) {
    this.options = options;
  }

  /** Where receiver `id`'s metric batches (in the default shape) go. */
  metrics(id: string): (batch: MetricBatch) => void {
    return (batch) => {
      this.latest.set(id, batch);
      const point = batch.scopeMetrics[0]?.metrics[0]?.dataPoints[0];
      if (point) this.observedAt.set(id, Math.round(hrTimeToMilliseconds(point.endTime)));
    };
  }

  /** Where receiver log batches go. */
  logs(): (batch: LogBatch) => void {
    return (batch) => {
      for (const record of batch) for (const listener of this.listeners) listener(record);
    };
  }

  /** What an extension gets. */
  view(): ObservedTelemetry {
    return {
      configFile: this.options.configFile,
      collectMetrics: async (): Promise<ResourceMetrics[]> => [...this.latest.values()],
      lastReports: () => new Map(this.observedAt),
      onLogRecord: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
      selfTotal: this.options.selfTotal,
      problems: this.options.problems,
    };
  }
}
