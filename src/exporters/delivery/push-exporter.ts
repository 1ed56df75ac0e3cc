// A push exporter (otlphttp and the backend presets) on top of the delivery queue. The SDK
// hands over metrics (from a periodic reader) and log records (to a processor); they are
// encoded into OTLP requests below max_request_size, compressed, and queued at once, so the
// SDK never waits for the network and never retries on its own. The queue's consumer does
// the sending, the retrying and the counting.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { LogRecordProcessor, ReadableLogRecord, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import {
  type AggregationOption, AggregationTemporality, AggregationType, InstrumentType, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { Commit, ExporterSettings, LogStage, LogsExporter, MetricsExporter } from '../../component/component.ts';
import { cardinalityLimits } from '../../telemetry/cardinality.ts';
import { AGENT_NAME, AGENT_VERSION } from '../../version.ts';
import { temporalityFor } from '../gauge-temporality.ts';
import type { DeliverySettings } from './config.ts';
import { Delivery } from './delivery.ts';
import { DiskQueue } from './disk-queue.ts';
import {
  countDataPoints, type Compression, type EncodeOptions, type Encoding, encodeLogs, encodeMetrics, recordUid, type SignalKind,
} from './payload.ts';
import { MemoryQueue } from './queue.ts';
import { HttpSender } from './sender.ts';

/** What a push exporter's configuration must have (otlphttp's, after a preset expanded). */
export interface PushConfig extends DeliverySettings {
  encoding: Encoding;
  compression: Compression;
  headers: Record<string, string>;
  timeout: number;
  temporality: 'cumulative' | 'delta';
  histogram: 'explicit' | 'exponential';
  export_interval: number;
  tls: { ca_file: string; insecure_skip_verify: boolean };
}

/** Log records are gathered for this long (or up to LOG_BATCH records) into one request. */
const LOG_DELAY_MS = 200;
const LOG_BATCH = 2048;

/** The folder of one exporter's queue in one pipeline: <storage>/<exporter id>/<pipeline id>. */
export function queueDirectory(storage: string, exporterId: string, pipeline: string): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9._-]/g, '_');
  return path.join(storage, safe(exporterId), safe(pipeline));
}

class DeliveryHandle {
  private readonly settings: ExporterSettings<PushConfig>;
  private readonly signal: SignalKind;
  private readonly url: string;
  private delivery: Delivery | undefined;

  constructor(settings: ExporterSettings<PushConfig>, signal: SignalKind, url: string) {
    this.settings = settings;
    this.signal = signal;
    this.url = url;
  }

  get encodeOptions(): EncodeOptions {
    const { config } = this.settings;
    return { encoding: config.encoding, compression: config.compression, maxRequestSize: config.max_request_size };
  }

  /** Opens the queue (a disk queue: takes its lock, finds what an earlier run left) and starts sending. */
  open(): Delivery {
    if (this.delivery) return this.delivery;
    const { config, log, stats, status, id, pipeline } = this.settings;
    const capacity = { items: config.sending_queue.queue_size, bytes: config.sending_queue.max_size };
    const queue = config.storage === undefined
      ? new MemoryQueue(capacity)
      : new DiskQueue(queueDirectory(config.storage, id, pipeline), capacity, log);
    const ca = config.tls.ca_file === '' ? undefined : readFileSync(config.tls.ca_file);
    const sender = new HttpSender({
      url: this.url, headers: config.headers, timeoutMs: config.timeout, ca,
      insecureSkipVerify: config.tls.insecure_skip_verify, userAgent: `${AGENT_NAME}/${AGENT_VERSION}`,
    });
    this.delivery = new Delivery({ signal: this.signal, queue, sender, retry: config.retry_on_failure, log, stats, status });
    this.delivery.start();
    return this.delivery;
  }

  /** Waits until what is queued is sent, or a send failed (see Delivery.idle). */
  async idle(): Promise<void> {
    await this.delivery?.idle(this.settings.shutdownSignal);
  }

  async close(): Promise<void> {
    if (!this.delivery) return;
    await this.delivery.drain(this.settings.shutdownSignal);
  }
}

class QueuedMetricExporter implements PushMetricExporter {
  private readonly handle: DeliveryHandle;
  private readonly settings: ExporterSettings<PushConfig>;

  constructor(handle: DeliveryHandle, settings: ExporterSettings<PushConfig>) {
    this.handle = handle;
    this.settings = settings;
  }

  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    try {
      const payloads = encodeMetrics(metrics, this.handle.encodeOptions);
      if (payloads.length > 0) this.handle.open().enqueue(payloads);
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      this.settings.stats.enqueueFailed(countDataPoints(metrics));
      this.settings.log.problem('encode', 'error', `cannot queue metrics: ${(error as Error).message}`);
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  /** Histograms as the configuration says; everything else (and explicit buckets) as the instrument declares. */
  selectAggregation(instrument: InstrumentType): AggregationOption {
    return instrument === InstrumentType.HISTOGRAM && this.settings.config.histogram === 'exponential'
      ? { type: AggregationType.EXPONENTIAL_HISTOGRAM }
      : { type: AggregationType.DEFAULT };
  }

  selectAggregationTemporality(instrument: InstrumentType): AggregationTemporality {
    return temporalityFor(instrument, (other) => {
      if (this.settings.config.temporality === 'cumulative') return AggregationTemporality.CUMULATIVE;
      // Delta where it means something (counters, histograms); up-down counters stay cumulative,
      // as the SDK's delta preference and New Relic's and Datadog's guidance have it.
      return other === InstrumentType.UP_DOWN_COUNTER || other === InstrumentType.OBSERVABLE_UP_DOWN_COUNTER
        ? AggregationTemporality.CUMULATIVE
        : AggregationTemporality.DELTA;
    });
  }

  async forceFlush(): Promise<void> {
    await this.handle.idle();
  }

  async shutdown(): Promise<void> {
    await this.handle.close();
  }
}

/**
 * Gathers log records for a moment and queues them as requests. A record whose
 * log.record.uid the queue took lately (a replay) is dropped here, before it is encoded.
 */
class QueuedLogProcessor implements LogStage {
  private readonly handle: DeliveryHandle;
  private readonly settings: ExporterSettings<PushConfig>;
  private buffer: ReadableLogRecord[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(handle: DeliveryHandle, settings: ExporterSettings<PushConfig>) {
    this.handle = handle;
    this.settings = settings;
  }

  onEmit(record: ReadWriteLogRecord): void {
    this.buffer.push(record as unknown as ReadableLogRecord);
    if (this.buffer.length >= LOG_BATCH) this.flushNow();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flushNow(), LOG_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Encodes and queues what is buffered; false when it could not be queued (counted). */
  private flushNow(): boolean {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return true;
    const buffered = this.buffer;
    this.buffer = [];
    let delivery: Delivery | undefined;
    try {
      delivery = this.handle.open();
      const queue = delivery.queue;
      const batch = new Set<string>();
      const records = buffered.filter((record) => {
        const uid = recordUid(record);
        if (uid === undefined) return true;
        if (queue.seen(uid) || batch.has(uid)) return false;
        batch.add(uid);
        return true;
      });
      delivery.deduplicated(buffered.length - records.length);
      if (records.length > 0) delivery.enqueue(encodeLogs(records, this.handle.encodeOptions));
      return true;
    } catch (error) {
      this.settings.stats.enqueueFailed(buffered.length);
      this.settings.log.problem('encode', 'error', `cannot queue log records: ${(error as Error).message}`);
      return false;
    }
  }

  async forceFlush(): Promise<void> {
    this.flushNow();
    await this.handle.idle();
  }

  /** Queues what is buffered now, without waiting for the network, and says whether the queue keeps it. */
  async commit(): Promise<Commit> {
    const queued = this.flushNow();
    const answer = this.handle.open().commit();
    return { kept: queued && answer.kept, lost: answer.lost };
  }

  async shutdown(): Promise<void> {
    this.flushNow();
    await this.handle.close();
  }
}

export function createQueuedMetricsExporter(settings: ExporterSettings<PushConfig>, url: string): MetricsExporter {
  const handle = new DeliveryHandle(settings, 'metrics', url);
  return {
    reader: new PeriodicExportingMetricReader({
      exporter: new QueuedMetricExporter(handle, settings),
      exportIntervalMillis: settings.config.export_interval,
      exportTimeoutMillis: Math.min(settings.config.timeout, settings.config.export_interval),
      cardinalityLimits,
    }),
    start: async () => { handle.open(); },
  };
}

export function createQueuedLogsExporter(settings: ExporterSettings<PushConfig>, url: string): LogsExporter {
  const handle = new DeliveryHandle(settings, 'logs', url);
  return {
    processor: new QueuedLogProcessor(handle, settings),
    start: async () => { handle.open(); },
  };
}
