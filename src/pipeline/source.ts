// One source of batches for the pipelines: its metrics (metric-source.ts) and its log records
// (log-source.ts), reported together. A receiver gets one; so do the agent's own metrics and
// the leadership gauge.
import { createNoopLogger, type Logger, type Meter } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { ACCEPTED, type Answer, type MetricShape } from '../component/consumer.ts';
import { LogSource } from './log-source.ts';
import { MetricSource } from './metric-source.ts';

export class Source {
  readonly metrics: MetricSource;
  /** Undefined when no pipeline takes the source's log records. */
  readonly logs: LogSource | undefined;

  constructor(resource: Resource, shapes: readonly MetricShape[], logsWanted: boolean, onError: (error: unknown) => void) {
    this.metrics = new MetricSource(resource, shapes, onError);
    this.logs = logsWanted ? new LogSource(resource) : undefined;
  }

  meter(scope: string): Meter {
    return this.metrics.meter(scope);
  }

  logger(scope: string): Logger {
    return this.logs?.logger(scope) ?? createNoopLogger();
  }

  /** Hands on the log records emitted so far, and answers for them. */
  handOnLogs(): Promise<Answer> {
    return this.logs?.handOn() ?? Promise.resolve(ACCEPTED);
  }

  /**
   * Hands on the log records emitted so far, collects the metrics and hands them on, and the
   * records emitted meanwhile (by a round the collection waited for). What the pipelines
   * refuse is counted where it enters them (the service), not retried: the next report
   * carries the cumulative sums and the gauges again.
   */
  async report(): Promise<void> {
    void this.handOnLogs();
    await this.metrics.report();
    void this.handOnLogs();
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled([this.metrics.shutdown(), this.logs?.shutdown()]);
  }
}
