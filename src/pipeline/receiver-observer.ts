// What an extension that shows the agent's view (status_page) reads: every receiver's data
// as the receiver reported it, before any processor, through a Meter and a Logger of its own
// that the service adds to each receiver's fan-out. Metrics are collected only when asked
// (a page is opened); log records are handed to listeners as they come. Made only when an
// extension asks for it, so an agent without one pays nothing.
import type { Attributes, Logger, Meter } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ObservedLogRecord, ObservedTelemetry } from '../component/observed-telemetry.ts';
import { cardinalitySelector } from '../telemetry/cardinality.ts';
import { AGENT_VERSION } from '../version.ts';

/** A reader that exports nothing: it collects when the observer is asked. */
class OnDemandReader extends MetricReader {
  constructor() {
    super({ cardinalitySelector });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

class ListenerProcessor implements LogRecordProcessor {
  private readonly listeners: Set<(record: ObservedLogRecord) => void>;
  constructor(listeners: Set<(record: ObservedLogRecord) => void>) {
    this.listeners = listeners;
  }
  onEmit(record: ReadWriteLogRecord): void {
    for (const listener of this.listeners) listener(record);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export interface ObserverOptions {
  configFile: string;
  selfTotal: (name: string, match: Attributes) => number;
  problems: () => Map<string, string[]>;
}

export class ReceiverObserver {
  private readonly reader = new OnDemandReader();
  private readonly listeners = new Set<(record: ObservedLogRecord) => void>();
  private readonly meterProvider: MeterProvider;
  private readonly loggerProvider: LoggerProvider;

  private readonly options: ObserverOptions;

  constructor(resource: Resource, options: ObserverOptions) {
    this.options = options;
    this.meterProvider = new MeterProvider({ resource, readers: [this.reader] });
    this.loggerProvider = new LoggerProvider({ resource, processors: [new ListenerProcessor(this.listeners)] });
  }

  meter(scope: string): Meter {
    return this.meterProvider.getMeter(scope, AGENT_VERSION);
  }

  logger(scope: string): Logger {
    return this.loggerProvider.getLogger(scope, AGENT_VERSION);
  }

  /** What an extension gets. */
  view(): ObservedTelemetry {
    return {
      configFile: this.options.configFile,
      collectMetrics: async (): Promise<ResourceMetrics[]> => {
        const { resourceMetrics } = await this.reader.collect();
        return [resourceMetrics];
      },
      onLogRecord: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
      selfTotal: this.options.selfTotal,
      problems: this.options.problems,
    };
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled([this.meterProvider.shutdown(), this.loggerProvider.shutdown()]);
  }
}
