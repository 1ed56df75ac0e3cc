// A ReceiverHost on the real OpenTelemetry SDK that keeps every log record (no batching, no
// queue limit) and collects metrics on demand: for tests that construct a receiver directly.
import type { Attributes } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, type ReadableLogRecord, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { ReceiverHost } from '../../src/component/component.ts';
import { AgentLog } from '../../src/diagnostics/agent-log.ts';
import { ACCEPTED } from '../../src/component/consumer.ts';

class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface CollectedPoint {
  metric: string;
  attributes: Attributes;
  /** Sum value, gauge value, or histogram count. */
  value: number;
  sum?: number;
}

export class CaptureHost {
  readonly host: ReceiverHost;
  readonly logLines: string[] = [];
  /** How many times the receiver reported. */
  reports = 0;
  readonly log: AgentLog;
  private readonly exporter = new InMemoryLogRecordExporter();
  private readonly reader = new OnDemandReader();
  /** Records the receiver said it could not keep. */
  notKept = 0;
  /** The last status the receiver reported (as the health check would show it). */
  status = 'none';
  private readonly meterProvider: MeterProvider;
  private readonly loggerProvider: LoggerProvider;

  constructor() {
    this.meterProvider = new MeterProvider({ readers: [this.reader] });
    this.loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: this.exporter })] });
    this.host = {
      meter: this.meterProvider.getMeter('test'),
      logger: this.loggerProvider.getLogger('test'),
      signals: new Set(['metrics', 'logs']),
      // Metrics are collected when the test asks (collect()); reports are only counted.
      report: async () => { this.reports++; },
      // Every record is in the in-memory exporter as soon as it is emitted: accepted.
      handOnLogs: async () => ACCEPTED,
      notKept: (records) => { this.notKept += records; },
      status: {
        ok: () => { this.status = 'ok'; },
        recoverableError: (message) => { this.status = `recoverable_error: ${message}`; },
        permanentError: (message) => { this.status = `permanent_error: ${message}`; },
        fatalError: (message) => { this.status = `fatal_error: ${message}`; },
      },
    };
    this.log = new AgentLog({ level: 'debug', sink: { write: (line) => { this.logLines.push(line); } } });
  }

  records(): ReadableLogRecord[] {
    return this.exporter.getFinishedLogRecords();
  }

  /** Log records of one event, as plain attribute maps plus severity and body. */
  events(name: string): { severity: string; body: string; attributes: Attributes }[] {
    return this.records()
      .filter((r) => r.attributes['event.name'] === name)
      .map((r) => ({ severity: r.severityText ?? '', body: String(r.body), attributes: r.attributes }));
  }

  async collect(): Promise<CollectedPoint[]> {
    const { resourceMetrics } = await this.reader.collect();
    const points: CollectedPoint[] = [];
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (const dp of metric.dataPoints) {
          if (metric.dataPointType === DataPointType.HISTOGRAM) {
            const h = dp.value as { count: number; sum?: number };
            points.push({ metric: metric.descriptor.name, attributes: dp.attributes, value: h.count, ...(h.sum === undefined ? {} : { sum: h.sum }) });
          } else {
            points.push({ metric: metric.descriptor.name, attributes: dp.attributes, value: dp.value as number });
          }
        }
      }
    }
    return points;
  }

  async shutdown(): Promise<void> {
    await this.meterProvider.shutdown();
    await this.loggerProvider.shutdown();
  }
}
