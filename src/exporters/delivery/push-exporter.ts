// A push exporter (otlphttp and the backend presets) on top of the delivery queue. The batches
// the pipeline hands over (metrics in the shape the configuration asks for, log records) are
// gathered as sending_queue.batch says (unless a batch processor in the pipeline did), encoded
// into OTLP requests below max_request_size, compressed, and queued; the answer to a batch is
// the queue's (accepted once kept as promised: a disk queue fsynced it), so the pipeline waits
// for the disk, never for the network. The queue's consumer does the sending, the retrying and
// the counting.
import { mkdirSync, readFileSync } from 'node:fs';
import type { ExporterSettings, LogsExporter, MetricsExporter } from '../../component/component.ts';
import {
  ACCEPTED, type Answer, countPoints, type LogBatch, type LogsConsumer, type MetricBatch, type MetricsConsumer, refused,
} from '../../component/consumer.ts';
import { type Gatherer, type Gathering, logsGatherer, metricsGatherer } from '../../component/gatherer.ts';
import { acquireFolderLock, type FolderLock, isWriteFailure } from '../../storage/folder-lock.ts';
import { storageEntry } from '../../storage/storage-name.ts';
import { AGENT_NAME, AGENT_VERSION } from '../../version.ts';
import type { DeliverySettings } from './config.ts';
import { Delivery } from './delivery.ts';
import { DiskQueue } from './disk-queue.ts';
import {
  type Compression, type EncodeOptions, type Encoding, encodeLogs, encodeMetrics, recordUid, type SignalKind,
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
  tls: { ca_file: string; insecure_skip_verify: boolean };
}

/**
 * The folder of one exporter's queue in one pipeline: <storage>/<exporter id>/<pipeline id>,
 * each named one-to-one from its id (storage-name.ts: otlphttp/a:b and otlphttp/a_b differ).
 */
export function queueDirectory(storage: string, exporterId: string, pipeline: string, onRenamed?: (from: string, to: string) => void): string {
  const options = onRenamed ? { onRenamed } : {};
  return storageEntry(storageEntry(storage, exporterId, options), pipeline, options);
}

class DeliveryHandle {
  private readonly settings: ExporterSettings<PushConfig>;
  private readonly signal: SignalKind;
  private readonly url: string;
  private delivery: Delivery | undefined;
  private lock: FolderLock | undefined;

  constructor(settings: ExporterSettings<PushConfig>, signal: SignalKind, url: string) {
    this.settings = settings;
    this.signal = signal;
    this.url = url;
  }

  get encodeOptions(): EncodeOptions {
    const { config } = this.settings;
    return { encoding: config.encoding, compression: config.compression, maxRequestSize: config.max_request_size };
  }

  /**
   * A disk queue's folder is locked before it is opened: a lock that also holds between two
   * agents that are each PID 1 of their container (folder-lock.ts).
   */
  async start(): Promise<void> {
    const { config, id, pipeline, log } = this.settings;
    if (config.storage !== undefined && this.lock === undefined) {
      const dir = this.queueDir();
      mkdirSync(dir, { recursive: true });
      try {
        this.lock = await acquireFolderLock(dir, {
          name: 'queue.lock', purpose: `disk queue of ${id} in pipeline ${pipeline}`,
          onLost: (reason) => log.error(`the lock of the disk queue ${dir} was lost (${reason}): another agent may be using it; give each agent its own storage folder`),
          onWait: (owner) => log.info(`the disk queue ${dir} is locked by ${owner}: waiting to see whether it is still alive`),
        });
      } catch (error) {
        // A full disk must not keep the agent from starting: what is queued there is still sent.
        if (!isWriteFailure(error)) throw error;
        log.warn(`cannot lock the disk queue ${dir}: ${(error as Error).message}; starting without the lock (the disk is full: nothing else can write there either)`);
      }
    }
    this.open();
  }

  private queueDir(): string {
    const { config, id, pipeline, log } = this.settings;
    return queueDirectory(config.storage!, id, pipeline, (from, to) => log.info(`${from} was named by an earlier version: renamed to ${to}`));
  }

  /** Opens the queue (a disk queue: finds what an earlier run left) and starts sending. */
  open(): Delivery {
    if (this.delivery) return this.delivery;
    const { config, log, stats, status, id, pipeline } = this.settings;
    const capacity = { items: config.sending_queue.queue_size, bytes: config.sending_queue.max_size };
    const queue = config.storage === undefined
      ? new MemoryQueue(capacity)
      : new DiskQueue(this.queueDir(), capacity, log, this.lock);
    const ca = config.tls.ca_file === '' ? undefined : readFileSync(config.tls.ca_file);
    const sender = new HttpSender({
      url: this.url, headers: config.headers, timeoutMs: config.timeout, ca,
      insecureSkipVerify: config.tls.insecure_skip_verify, userAgent: `${AGENT_NAME}/${AGENT_VERSION}`,
    });
    this.delivery = new Delivery({ signal: this.signal, queue, sender, retry: config.retry_on_failure, log, stats, status });
    this.delivery.start();
    return this.delivery;
  }

  /** How long and how many items to gather into one request: not at all when the pipeline batches already. */
  gathering(): Gathering {
    const { config, pipelineBatches } = this.settings;
    return { timeoutMs: pipelineBatches ? 0 : config.sending_queue.batch.flush_timeout, minItems: config.sending_queue.batch.min_size };
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

/**
 * What both signals' consumers share: batches wait in a gatherer (sending_queue.batch) and
 * are queued together; flush and close queue what waits first.
 */
abstract class QueuedBatches<T> {
  protected readonly handle: DeliveryHandle;
  protected readonly settings: ExporterSettings<PushConfig>;
  protected abstract readonly gatherer: Gatherer<T>;
  /** Gathered batches are queued one after the other (a replay check sees what the one before queued). */
  private queuing: Promise<unknown> = Promise.resolve();

  constructor(handle: DeliveryHandle, settings: ExporterSettings<PushConfig>) {
    this.handle = handle;
    this.settings = settings;
  }

  protected inTurn(queue: () => Promise<Answer>): Promise<Answer> {
    const answer = this.queuing.then(queue);
    this.queuing = answer.catch(() => {});
    return answer;
  }

  async flush(): Promise<void> {
    this.gatherer.release();
    await this.queuing;
    await this.handle.idle();
  }

  /** Queues what waits, then sends what is queued within the shutdown signal's time (or keeps it on disk). */
  async close(): Promise<void> {
    this.gatherer.release();
    await this.queuing;
    await this.handle.close();
  }
}

class QueuedMetrics extends QueuedBatches<MetricBatch> implements MetricsConsumer {
  protected readonly gatherer = metricsGatherer(this.handle.gathering(), (batch) => this.inTurn(() => this.queue(batch)));

  consumeMetrics(batch: MetricBatch): Promise<Answer> {
    return this.gatherer.take(batch);
  }

  private async queue(batch: MetricBatch): Promise<Answer> {
    try {
      const payloads = encodeMetrics(batch, this.handle.encodeOptions);
      return payloads.length > 0 ? await this.handle.open().enqueue(payloads, this.settings.id) : ACCEPTED;
    } catch (error) {
      this.settings.stats.enqueueFailed(countPoints(batch));
      this.settings.log.problem('encode', 'error', `cannot queue metrics: ${(error as Error).message}`);
      return refused('permanent', this.settings.id, `cannot encode metrics: ${(error as Error).message}`);
    }
  }
}

/**
 * Queues log records as requests. A record whose log.record.uid the queue took lately (a
 * replay) is dropped here, before it is encoded.
 */
class QueuedLogs extends QueuedBatches<LogBatch> implements LogsConsumer {
  protected readonly gatherer = logsGatherer(this.handle.gathering(), (batch) => this.inTurn(() => this.queue(batch)));

  consumeLogs(batch: LogBatch): Promise<Answer> {
    return this.gatherer.take(batch);
  }

  private async queue(batch: LogBatch): Promise<Answer> {
    try {
      const delivery = this.handle.open();
      const queue = delivery.queue;
      const uids = new Set<string>();
      const records = batch.filter((record) => {
        const uid = recordUid(record);
        if (uid === undefined) return true;
        if (queue.seen(uid) || uids.has(uid)) return false;
        uids.add(uid);
        return true;
      });
      delivery.deduplicated(batch.length - records.length);
      return records.length > 0 ? await delivery.enqueue(encodeLogs(records, this.handle.encodeOptions), this.settings.id) : ACCEPTED;
    } catch (error) {
      this.settings.stats.enqueueFailed(batch.length);
      this.settings.log.problem('encode', 'error', `cannot queue log records: ${(error as Error).message}`);
      return refused('permanent', this.settings.id, `cannot encode log records: ${(error as Error).message}`);
    }
  }
}

export function createQueuedMetricsExporter(settings: ExporterSettings<PushConfig>, url: string): MetricsExporter {
  const handle = new DeliveryHandle(settings, 'metrics', url);
  const consumer = new QueuedMetrics(handle, settings);
  return {
    consumer,
    shape: { temporality: settings.config.temporality, histogram: settings.config.histogram },
    start: () => handle.start(),
    shutdown: () => consumer.close(),
  };
}

export function createQueuedLogsExporter(settings: ExporterSettings<PushConfig>, url: string): LogsExporter {
  const handle = new DeliveryHandle(settings, 'logs', url);
  const consumer = new QueuedLogs(handle, settings);
  return {
    consumer,
    start: () => handle.start(),
    shutdown: () => consumer.close(),
  };
}
