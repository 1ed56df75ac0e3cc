// What an extension that asks to observe the receivers (ExtensionFactory.observesReceivers)
// gets: the receivers' data as they reported it, and the agent's own counters and problems.
import type { AnyValue, Attributes, HrTime } from '@opentelemetry/api';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** The part of a log record an observer reads. */
export interface ObservedLogRecord {
  readonly hrTime: HrTime;
  readonly severityText?: string | undefined;
  readonly body?: AnyValue | undefined;
  readonly attributes: Attributes;
  readonly eventName?: string | undefined;
}

export interface ObservedTelemetry {
  /** The configuration file the agent runs. */
  configFile: string;
  /** Each receiver's metrics as of its last report (collection_interval), one batch per receiver. */
  collectMetrics(): Promise<ResourceMetrics[]>;
  /** When each receiver last reported, by id: the time its last batch was observed (ms since the epoch). */
  lastReports(): Map<string, number>;
  /** Calls `listener` with every log record a receiver emits; returns how to stop. */
  onLogRecord(listener: (record: ObservedLogRecord) => void): () => void;
  /** The agent's own counter `name` (otelcol_*), summed over the series that match. */
  selfTotal(name: string, match: Attributes): number;
  /** Problems the agent reports now and has not seen resolved, by component id. */
  problems(): Map<string, string[]>;
}
