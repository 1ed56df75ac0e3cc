// The agent's own metrics, named as the OpenTelemetry Collector names its own, so that
// Collector dashboards and alerts work: what each exporter sent, failed to send (every
// failed attempt, so that retries show) and could not queue; queue size and capacity;
// log records each receiver handed in or had refused; the process' memory and CPU.
//
// Components count into plain numbers here; observable instruments read them at each
// collection. The numbers reach users two ways: every prometheus exporter serves them beside
// its pipeline's data (through a MetricProducer of the agent's own MeterProvider, collected
// when scraped), and the metrics pipelines listed under service.telemetry.metrics.pipelines
// carry them like any receiver's data, through their processors and exporters, every
// service.telemetry.metrics.interval.
import { type Attributes, type Meter, type Observable, ValueType } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import {
  type AggregationTemporalitySelector, type CollectionResult, MeterProvider, MetricReader, type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import type { ExporterStats } from '../component/component.ts';
import type { Signal } from '../component/component-id.ts';
import { cardinalitySelector } from '../telemetry/cardinality.ts';
import type { ComponentTelemetry, MetricDeclaration } from '../telemetry/declaration.ts';
import { AGENT_VERSION } from '../version.ts';

export type SelfTelemetryLevel = 'none' | 'basic' | 'normal' | 'detailed';

// Units as the Collector's own metadata.yaml declares them (exporterhelper, receiverhelper,
// the process metrics of service): {datapoint}, {record}, {batch}, s, By.
const ITEM_UNIT: Record<Signal, string> = { metrics: '{datapoint}', logs: '{record}' };
const ITEM_WORDS: Record<Signal, string> = { metrics: 'Metric points', logs: 'Log records' };

function counterDeclaration(name: string, signal: Signal, attributes: string[], description: string): MetricDeclaration {
  return { name, kind: 'counter', unit: ITEM_UNIT[signal], valueType: 'int', attributes, description };
}

/** One declaration per signal, named in full (so that a search finds them), recorded under the declared name. */
const perSignal = (names: Record<Signal, string>, make: (name: string, signal: Signal) => MetricDeclaration): Record<Signal, MetricDeclaration> =>
  ({ metrics: make(names.metrics, 'metrics'), logs: make(names.logs, 'logs') });

export const EXPORTER_SENT = perSignal({ metrics: 'otelcol_exporter_sent_metric_points', logs: 'otelcol_exporter_sent_log_records' },
  (name, s) => counterDeclaration(name, s, ['exporter'],
  `${ITEM_WORDS[s]} the backend accepted.`));
export const EXPORTER_SEND_FAILED = perSignal({ metrics: 'otelcol_exporter_send_failed_metric_points', logs: 'otelcol_exporter_send_failed_log_records' },
  (name, s) => counterDeclaration(name, s,
  ['exporter', 'error.type', 'error.permanent'],
  `${ITEM_WORDS[s]} in failed attempts to send: counted on every attempt, so a request retried three times counts three times. \`error.type\` is the HTTP status or the network error code; \`error.permanent\` is true where the data was dropped rather than retried (\`shutdown\`: left in a memory queue at shutdown).`));
export const EXPORTER_ENQUEUE_FAILED = perSignal({ metrics: 'otelcol_exporter_enqueue_failed_metric_points', logs: 'otelcol_exporter_enqueue_failed_log_records' },
  (name, s) => counterDeclaration(name, s, ['exporter'],
  `${ITEM_WORDS[s]} that could not be kept in the sending queue: the oldest ones, dropped to make room when the queue was full.`));
export const EXPORTER_QUEUE_SIZE: MetricDeclaration = {
  name: 'otelcol_exporter_queue_size', kind: 'gauge', unit: '{batch}', valueType: 'int', attributes: ['exporter', 'data_type'],
  description: 'Log records or metric points waiting in the sending queue (in memory or on disk); counted in items, as the Collector\'s queue with `sizer: items` (its declared unit is `{batch}`).',
};
export const EXPORTER_QUEUE_CAPACITY: MetricDeclaration = {
  name: 'otelcol_exporter_queue_capacity', kind: 'gauge', unit: '{batch}', valueType: 'int', attributes: ['exporter', 'data_type'],
  description: 'Log records or metric points the sending queue holds at most (`sending_queue.queue_size`).',
};
export const RECEIVER_ACCEPTED_LOGS: MetricDeclaration = counterDeclaration('otelcol_receiver_accepted_log_records', 'logs', ['receiver'],
  'Log records a receiver handed to its pipelines (once per pipeline).');
export const RECEIVER_REFUSED = perSignal({ metrics: 'otelcol_receiver_refused_metric_points', logs: 'otelcol_receiver_refused_log_records' },
  (name, s) => counterDeclaration(name, s, ['receiver'],
  `${ITEM_WORDS[s]} a pipeline refused (a memory_limiter above its limit, a full sending queue, a disk queue that cannot write)${s === 'metrics' ? ': the data points of every batch refused whole, which are not sent again (the next collection carries the sums and gauges)' : ': the moves of backbone_events are kept and handed on again'}.`));
export const PROCESSOR_REFUSED = perSignal({ metrics: 'otelcol_processor_refused_metric_points', logs: 'otelcol_processor_refused_log_records' },
  (name, s) => counterDeclaration(name, s, ['processor'],
  `${ITEM_WORDS[s]} a memory_limiter refused.`));
export const PROCESS_UPTIME: MetricDeclaration = {
  name: 'otelcol_process_uptime', kind: 'counter', unit: 's', valueType: 'double', attributes: [], description: 'Seconds since the agent started.',
};
export const PROCESS_CPU: MetricDeclaration = {
  name: 'otelcol_process_cpu_seconds', kind: 'counter', unit: 's', valueType: 'double', attributes: [],
  description: 'CPU time (user and system) the agent used.',
};
export const PROCESS_RSS: MetricDeclaration = {
  name: 'otelcol_process_memory_rss', kind: 'gauge', unit: 'By', valueType: 'int', attributes: [],
  description: 'Resident memory of the agent process.',
};
export const PROCESS_HEAP: MetricDeclaration = {
  name: 'otelcol_process_runtime_heap_alloc_bytes', kind: 'gauge', unit: 'By', valueType: 'int', attributes: [],
  description: 'JavaScript heap in use.',
};

const both = (declarations: Record<Signal, MetricDeclaration>) => [declarations.metrics, declarations.logs];
const BASIC = [...both(EXPORTER_SENT), ...both(EXPORTER_SEND_FAILED), ...both(EXPORTER_ENQUEUE_FAILED), EXPORTER_QUEUE_SIZE, EXPORTER_QUEUE_CAPACITY];
const NORMAL = [...BASIC, RECEIVER_ACCEPTED_LOGS, ...both(RECEIVER_REFUSED), ...both(PROCESSOR_REFUSED), PROCESS_UPTIME, PROCESS_CPU, PROCESS_RSS, PROCESS_HEAP];

export const selfTelemetry: ComponentTelemetry = {
  component: 'agent (its own metrics, named as the OpenTelemetry Collector names its own)',
  metrics: NORMAL,
  events: [],
};

interface Series {
  attributes: Attributes;
  value: number;
}

/** Reads the self MeterProvider for one consumer, with that consumer's temporality. */
class ProducerReader extends MetricReader {
  constructor(temporality: AggregationTemporalitySelector) {
    super({ aggregationTemporalitySelector: temporality, cardinalitySelector });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export class SelfTelemetry {
  readonly level: SelfTelemetryLevel;
  private readonly totals = new Map<string, Map<string, Series>>();
  private readonly queues: { attributes: Attributes; read: () => { size: number; capacity: number } }[] = [];
  private readonly readers: ProducerReader[] = [];
  private provider: MeterProvider | undefined;
  private readonly startedAt = Date.now();

  constructor(level: SelfTelemetryLevel) {
    this.level = level;
  }

  private add(name: string, attributes: Attributes, value: number): void {
    if (this.level === 'none' || value === 0) return;
    let series = this.totals.get(name);
    if (!series) this.totals.set(name, (series = new Map()));
    const key = JSON.stringify(attributes);
    const current = series.get(key);
    if (current) current.value += value;
    else series.set(key, { attributes, value });
  }

  /** The current total of a counter for the given attributes (for tests and the health check). */
  total(name: string, match: Attributes = {}): number {
    let sum = 0;
    for (const series of this.totals.get(name)?.values() ?? []) {
      if (Object.entries(match).every(([k, v]) => series.attributes[k] === v)) sum += series.value;
    }
    return sum;
  }

  exporter(id: string, signal: Signal): ExporterStats {
    return {
      sent: (items) => this.add(EXPORTER_SENT[signal].name, { exporter: id }, items),
      sendFailed: (items, errorType, permanent) =>
        this.add(EXPORTER_SEND_FAILED[signal].name, { exporter: id, 'error.type': errorType, 'error.permanent': permanent }, items),
      enqueueFailed: (items) => this.add(EXPORTER_ENQUEUE_FAILED[signal].name, { exporter: id }, items),
      queue: (read) => { this.queues.push({ attributes: { exporter: id, data_type: signal }, read }); },
    };
  }

  receiverAccepted(id: string, records: number): void {
    this.add(RECEIVER_ACCEPTED_LOGS.name, { receiver: id }, records);
  }

  /** Items a pipeline refused; `receiver` is undefined for the agent's own data, `processor` set when a memory_limiter refused. */
  refused(receiver: string | undefined, processor: string | undefined, signal: Signal, items: number): void {
    if (receiver !== undefined) this.add(RECEIVER_REFUSED[signal].name, { receiver }, items);
    if (processor !== undefined) this.add(PROCESSOR_REFUSED[signal].name, { processor }, items);
  }

  /** For ExporterSettings.selfMetrics: undefined when the level is none. */
  producers(): ((temporality: AggregationTemporalitySelector) => MetricProducer) | undefined {
    if (this.level === 'none') return undefined;
    return (temporality) => {
      if (this.provider) throw new Error('self-telemetry producers must be asked for while the pipelines are built');
      const reader = new ProducerReader(temporality);
      this.readers.push(reader);
      return { collect: (options): Promise<CollectionResult> => reader.collect(options) };
    };
  }

  /** Creates the observable instruments on a Meter (the agent's own, or the source of the pipelines that carry them). */
  register(meter: Meter): void {
    if (this.level === 'none') return;
    const declarations = this.level === 'basic' ? BASIC : NORMAL;
    const instruments = new Map<string, Observable>();
    for (const declaration of declarations) {
      const options = {
        description: declaration.description, unit: declaration.unit,
        valueType: declaration.valueType === 'int' ? ValueType.INT : ValueType.DOUBLE,
      };
      instruments.set(declaration.name, declaration.kind === 'counter'
        ? meter.createObservableCounter(declaration.name, options)
        : meter.createObservableGauge(declaration.name, options));
    }
    meter.addBatchObservableCallback((result) => {
      for (const [name, series] of this.totals) {
        const instrument = instruments.get(name);
        if (!instrument) continue;
        for (const { attributes, value } of series.values()) result.observe(instrument, value, attributes);
      }
      const size = instruments.get(EXPORTER_QUEUE_SIZE.name)!;
      const capacity = instruments.get(EXPORTER_QUEUE_CAPACITY.name)!;
      for (const queue of this.queues) {
        const now = queue.read();
        result.observe(size, now.size, queue.attributes);
        result.observe(capacity, now.capacity, queue.attributes);
      }
      if (this.level === 'basic') return;
      const cpu = process.cpuUsage();
      result.observe(instruments.get(PROCESS_UPTIME.name)!, (Date.now() - this.startedAt) / 1000);
      result.observe(instruments.get(PROCESS_CPU.name)!, (cpu.user + cpu.system) / 1e6);
      result.observe(instruments.get(PROCESS_RSS.name)!, process.memoryUsage.rss());
      result.observe(instruments.get(PROCESS_HEAP.name)!, process.memoryUsage().heapUsed);
    }, [...instruments.values()]);
  }

  /** Builds the agent's own MeterProvider, once every pipeline asked for its producers. */
  start(resource: Resource): void {
    if (this.level === 'none' || this.readers.length === 0 || this.provider) return;
    this.provider = new MeterProvider({ resource, readers: this.readers });
    this.register(this.provider.getMeter('backbone-otel-agent/self', AGENT_VERSION));
  }

  async shutdown(): Promise<void> {
    await this.provider?.shutdown();
  }
}
