// One exporter's delivery for one pipeline: a bounded queue (in memory or on disk) and one
// consumer that sends the oldest request, retries it with exponential backoff and jitter
// while the backend answers 429/502/503/504 or cannot be reached (honouring Retry-After),
// and drops it, saying why once, when the backend refuses it for good. One request is in
// flight at a time, so that requests arrive in the order they were made.
//
// Every outcome is counted for the agent's own metrics (sent, send_failed per attempt,
// enqueue_failed) and reported to the component status that the health check reads.
import type { ComponentStatusReporter, ExporterStats } from '../../component/component.ts';
import { ACCEPTED, type Answer, refused } from '../../component/consumer.ts';
import type { AgentLog } from '../../diagnostics/agent-log.ts';
import { backoffDelay } from './backoff.ts';
import type { RetrySettings } from './config.ts';
import type { Payload, SignalKind } from './payload.ts';
import { DiskQueue } from './disk-queue.ts';
import type { DeliveryQueue, QueueEntry } from './queue.ts';
import type { HttpSender, SendOutcome } from './sender.ts';

export interface DeliveryOptions {
  signal: SignalKind;
  queue: DeliveryQueue;
  sender: HttpSender;
  retry: RetrySettings;
  log: AgentLog;
  stats: ExporterStats;
  status: ComponentStatusReporter;
}

const WORDS: Record<SignalKind, string> = { metrics: 'metric points', logs: 'log records' };

export class Delivery {
  private readonly options: DeliveryOptions;
  private readonly what: string;
  private running: Promise<void> | undefined;
  private stopping = false;
  private closed = false;
  private wake: (() => void) | undefined;
  private attempt = 0;
  /** When the head request was first tried, for max_elapsed_time. */
  private headSince: { seq: number; at: number } | undefined;
  private failingSince: number | undefined;
  private retriesDuringOutage = 0;
  private idleWaiters: (() => void)[] = [];
  /** Since when the disk queue cannot write (said once, resolved by the next write that works). */
  private writeFailing: number | undefined;
  /** Since start, for the line said when stopping. */
  private readonly totals = { sent: 0, dropped: 0, deduplicated: 0 };

  constructor(options: DeliveryOptions) {
    this.options = options;
    this.what = WORDS[options.signal];
    options.stats.queue(() => ({ size: options.queue.size().items, capacity: options.queue.capacity.items }));
  }

  /** Problem keys per delivery: one exporter in a metrics and a logs pipeline reports each once. */
  private key(name: string): string {
    return `${name} ${this.options.sender.url}`;
  }

  get queue(): DeliveryQueue {
    return this.options.queue;
  }

  /** Starts the consumer; what an earlier run left on disk goes first. */
  start(): void {
    this.running ??= this.loop();
  }

  /**
   * Queues the requests of one batch and answers for them: accepted once the queue keeps them
   * as it promises (a disk queue: fsynced), refused when it cannot (its disk is full, the
   * request is larger than the whole queue, or the exporter has stopped). A full queue drops
   * its oldest requests to make room (counted and said).
   */
  async enqueue(payloads: Payload[], by: string): Promise<Answer> {
    const { queue, log, status } = this.options;
    for (const [index, payload] of payloads.entries()) {
      if (this.closed) {
        return refused('queue_full', by, `the exporter has stopped: ${payloads.slice(index).reduce((n, p) => n + p.items, 0)} ${this.what} not queued`);
      }
      const result = await queue.push(payload);
      if (result.droppedItems > 0) {
        this.dropped(result.droppedItems);
        log.problem(this.key('queue-full'), 'warn', `the sending queue is full (${queue.capacity.items} items, ${queue.capacity.bytes} bytes): the oldest ${this.what} are being dropped to make room; they are counted in otelcol_exporter_enqueue_failed_*`);
      }
      if (result.rejected === 'too_large') {
        this.dropped(payload.items);
        log.problem(this.key('queue-reject'), 'warn', `a request larger than the whole sending queue (${queue.capacity.items} items, ${queue.capacity.bytes} bytes) was dropped; raise sending_queue.queue_size or max_size`);
        return refused('permanent', by, 'a request larger than the whole sending queue');
      }
      if (result.rejected !== undefined) {
        const error = result.rejected.writeFailed;
        const what = queue instanceof DiskQueue ? queue.describeWriteFailure(error) : `cannot queue: ${error.message}`;
        if (this.writeFailing === undefined) {
          this.writeFailing = Date.now();
          log.problem(this.key('write'), 'error', `${what}; ${this.what} are refused until it can (the receivers keep what they must deliver and hand it on again), tried again with every batch`);
          status.recoverableError(`disk queue full: ${error.message}`);
        }
        return refused('disk_full', by, what);
      }
      if (this.writeFailing !== undefined) {
        const seconds = ((Date.now() - this.writeFailing) / 1000).toFixed(1);
        this.writeFailing = undefined;
        log.resolved(this.key('write'), `the disk queue can be written again (after ${seconds} s)`);
      }
    }
    this.wake?.();
    return ACCEPTED;
  }

  /** Records that were not queued because the queue already holds (or sent) their log.record.uid. */
  deduplicated(items: number): void {
    if (items === 0) return;
    if (this.totals.deduplicated === 0) {
      this.options.log.info(`dropped ${items} ${this.what} reported again with a log.record.uid this queue already took (a replay after a restart or a roll-back); counted in the line said when stopping`);
    }
    this.totals.deduplicated += items;
  }

  private dropped(items: number): void {
    this.options.stats.enqueueFailed(items);
    this.totals.dropped += items;
  }

  /**
   * Resolves when what is queued now has been sent, or as soon as a send fails (the backend
   * is down: retries go on in the background), or when `signal` aborts. forceFlush uses it,
   * so that a flush means "sent, or known not to be sendable now".
   */
  idle(signal?: AbortSignal): Promise<void> {
    // While the backend is failing, waiting for the next retry would tell nothing new.
    if (!this.running || this.options.queue.size().requests === 0 || this.failingSince !== undefined || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => { signal?.removeEventListener('abort', done); resolve(); };
      this.idleWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Sends what is queued until the queue is empty, a send fails, or `signal` aborts; then
   * stops the consumer. What is left stays on disk (storage) or is counted as lost.
   */
  async drain(signal: AbortSignal): Promise<void> {
    this.stopping = true;
    const { queue, sender, log, stats } = this.options;
    const onAbort = () => sender.close();
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    this.wake?.();
    try {
      await this.running;
      this.running = undefined;
      while (!signal.aborted) {
        const entry = queue.head();
        if (!entry) break;
        const outcome = await this.sendOne(entry);
        if (outcome === 'retry') break;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      sender.close();
      this.closed = true;
      const left = queue.size();
      if (left.requests > 0) {
        if (queue.kind === 'disk') {
          log.info(`stopping with ${left.items} ${this.what} not yet sent to ${sender.url}; they stay in the disk queue and are sent after the restart; ${this.summary()}`);
        } else {
          stats.sendFailed(left.items, 'shutdown', true);
          this.totals.dropped += left.items;
          log.warn(`stopping with ${left.items} ${this.what} not yet sent to ${sender.url}; they are lost (set storage: <folder> to keep them across restarts); ${this.summary()}`);
          while (queue.head()) await queue.remove(queue.head()!, 'dropped');
        }
      } else if (this.totals.sent + this.totals.dropped + this.totals.deduplicated > 0) {
        log.info(`stopping: nothing left to send to ${sender.url}; ${this.summary()}`);
      }
      await queue.close();
      this.settleIdle();
    }
  }

  /** "since start: 1200 sent, 0 dropped, ..." for the line said when stopping. */
  private summary(): string {
    const { sent, dropped, deduplicated } = this.totals;
    const replays = deduplicated > 0 ? `, ${deduplicated} replayed ${this.what} dropped by log.record.uid` : '';
    return `since start: ${sent} ${this.what} sent, ${dropped} dropped (otelcol_exporter_enqueue_failed_* and send_failed_* with error.permanent=true)${replays}`;
  }

  private async loop(): Promise<void> {
    const { queue } = this.options;
    while (!this.stopping) {
      const entry = queue.head();
      if (!entry) {
        this.settleIdle();
        await new Promise<void>((resolve) => { this.wake = resolve; });
        this.wake = undefined;
        continue;
      }
      const outcome = await this.sendOne(entry);
      if (outcome === 'retry') {
        this.settleIdle();
        if (!this.stopping) await this.sleep(this.nextDelay());
      }
    }
    this.settleIdle();
  }

  private retryAfterMs: number | undefined;

  private nextDelay(): number {
    return backoffDelay(this.options.retry, this.attempt, this.retryAfterMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => { this.wake = undefined; resolve(); }, ms);
      // Only stopping cuts a wait short; new data must not hurry a retry.
      this.wake = () => { if (this.stopping) { clearTimeout(timer); this.wake = undefined; resolve(); } };
    });
  }

  /** Sends the head request once: 'done' when it left the queue, 'retry' when it stays. */
  private async sendOne(entry: QueueEntry): Promise<'done' | 'retry'> {
    const { queue, sender, stats, status, log, retry } = this.options;
    const body = queue.body(entry);
    if (!body) return 'done';
    if (this.headSince?.seq !== entry.seq) this.headSince = { seq: entry.seq, at: Date.now() };
    queue.sending(entry);
    const outcome: SendOutcome = await sender.send(body, entry.encoding, entry.compression).finally(() => queue.sending(undefined));
    if (outcome.kind === 'sent') {
      await queue.remove(entry, 'sent');
      stats.sent(entry.items);
      this.totals.sent += entry.items;
      status.ok();
      this.attempt = 0;
      this.retryAfterMs = undefined;
      if (this.failingSince !== undefined) {
        const seconds = ((Date.now() - this.failingSince) / 1000).toFixed(1);
        log.resolved(this.key('send'), `sending ${this.what} to ${sender.url} works again (after ${seconds} s and ${this.retriesDuringOutage} failed attempt(s))`);
        this.failingSince = undefined;
        this.retriesDuringOutage = 0;
      }
      log.resolved(this.key('permanent'), `${sender.url} accepts ${this.what} again`);
      if (queue.size().items < queue.capacity.items / 2) log.resolved(this.key('queue-full'), `the sending queue for ${sender.url} has room again`);
      return 'done';
    }
    if (outcome.kind === 'permanent') {
      stats.sendFailed(entry.items, outcome.errorType, true);
      this.totals.dropped += entry.items;
      await queue.remove(entry, 'dropped');
      status.permanentError(outcome.reason);
      log.problem(this.key('permanent'), 'error', `${sender.url} refused ${this.what}: ${outcome.reason}; such a request is not retried, so its ${this.what} were dropped (counted in otelcol_exporter_send_failed_* with error.permanent=true); said once until a request is accepted`);
      return 'done';
    }
    this.failingSince ??= Date.now();
    this.retriesDuringOutage++;
    this.attempt++;
    this.retryAfterMs = outcome.retryAfterMs;
    status.recoverableError(outcome.reason);
    // The message stays the same while the failure does, so that it is said once.
    log.problem(this.key('send'), 'warn', `sending ${this.what} to ${sender.url} failed: ${outcome.reason}; retrying with backoff, ${this.what} wait in the ${queue.kind === 'disk' ? 'disk' : 'memory'} queue (otelcol_exporter_queue_size)`);
    // Giving up is decided before counting, so that the last attempt is counted as the permanent one.
    const elapsed = Date.now() - this.headSince.at;
    const expired = queue.kind === 'memory' && retry.max_elapsed_time > 0 && elapsed + this.nextDelay() > retry.max_elapsed_time;
    if (!retry.enabled || expired) {
      stats.sendFailed(entry.items, outcome.errorType, true);
      this.totals.dropped += entry.items;
      await queue.remove(entry, 'dropped');
      this.attempt = 0;
      log.problem(this.key('dropped'), 'error', retry.enabled
        ? `gave up on ${this.what} after retrying for longer than retry_on_failure.max_elapsed_time (${retry.max_elapsed_time} ms); set storage: <folder> to keep data through longer outages`
        : `retry_on_failure is disabled: ${this.what} are dropped after one failed attempt`);
      return 'done';
    }
    stats.sendFailed(entry.items, outcome.errorType, false);
    return 'retry';
  }
}
