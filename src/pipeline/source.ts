// One source of batches for the pipelines: its metrics (metric-source.ts) and its log records
// (log-source.ts), reported together. A receiver gets one; so do the agent's own metrics and
// the leadership gauge.
import { createNoopLogger, type Logger, type Meter } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { MetricShape } from '../component/consumer.ts';
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

  /** Hands on the log records emitted so far. */
  handOnLogs(): void {
    this.logs?.handOn();
  }

  /**
   * Hands on the log records emitted so far, collects the metrics and hands them on, and the
   * records emitted meanwhile (by a round the collection waited for).
   */
  async report(): Promise<void> {
    this.handOnLogs();
    await this.metrics.report();
    this.handOnLogs();
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled([this.metrics.shutdown(), this.logs?.shutdown()]);
  }
}
