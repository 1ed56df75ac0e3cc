// What both batchers share (the batch processor, an exporter's sending_queue.batch): batches
// are held until `minItems` items wait or `timeoutMs` has passed since the first of them, then
// released together. A timeout of 0 releases each batch as it comes.
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { Resource } from '@opentelemetry/resources';
import { type Answer, answerAll, countPoints, type LogBatch, type MetricBatch } from './consumer.ts';

/** When gathered batches are released: `timeoutMs` after the first, or once `minItems` items wait. */
export interface Gathering {
  timeoutMs: number;
  minItems: number;
}

export interface GathererOptions<T> extends Gathering {
  count(batch: T): number;
  /** Hands on what was gathered; its answer is the answer of every batch in it. */
  release(batches: T[]): Promise<Answer>;
}

/**
 * Batches wait together; each one's answer is the answer for the gathered batch it left in,
 * so an answer travels back through a batcher as through any stage.
 */
export class Gatherer<T> {
  private readonly options: GathererOptions<T>;
  private waiting: T[] = [];
  private answers: ((answer: Answer) => void)[] = [];
  private items = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: GathererOptions<T>) {
    this.options = options;
  }

  take(batch: T): Promise<Answer> {
    if (this.options.timeoutMs === 0) return this.options.release([batch]);
    const answer = new Promise<Answer>((resolve) => this.answers.push(resolve));
    this.waiting.push(batch);
    this.items += this.options.count(batch);
    if (this.items >= this.options.minItems) this.release();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.release(), this.options.timeoutMs);
      this.timer.unref();
    }
    return answer;
  }

  /** Releases what waits now. */
  release(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batches = this.waiting;
    const answers = this.answers;
    this.waiting = [];
    this.answers = [];
    this.items = 0;
    if (batches.length === 0) return;
    void this.options.release(batches).then((answer) => { for (const resolve of answers) resolve(answer); });
  }
}

/** Gathers metric batches by data points; hands on one merged batch per resource. */
export function metricsGatherer(gathering: Gathering, handOn: (batch: MetricBatch) => Promise<Answer>): Gatherer<MetricBatch> {
  return new Gatherer({
    ...gathering, count: countPoints,
    release: async (batches) => answerAll(await Promise.all(mergeMetrics(batches).map(handOn))),
  });
}

/** Gathers log batches by records; hands on one batch. */
export function logsGatherer(gathering: Gathering, handOn: (batch: LogBatch) => Promise<Answer>): Gatherer<LogBatch> {
  return new Gatherer({ ...gathering, count: (batch) => batch.length, release: (batches) => handOn(mergeLogs(batches)) });
}

/** Metric batches of one resource become one: their scopes side by side (a scope may appear twice, as OTLP allows). */
function mergeMetrics(batches: readonly MetricBatch[]): MetricBatch[] {
  if (batches.length === 1) return [batches[0]!];
  const byResource = new Map<Resource, MetricBatch>();
  for (const batch of batches) {
    const merged = byResource.get(batch.resource);
    byResource.set(batch.resource, merged ? { resource: batch.resource, scopeMetrics: [...merged.scopeMetrics, ...batch.scopeMetrics] } : batch);
  }
  return [...byResource.values()];
}

/** Log batches become one (each record carries its own resource). */
function mergeLogs(batches: readonly LogBatch[]): LogBatch {
  return batches.length === 1 ? batches[0]! : ([] as ReadableLogRecord[]).concat(...batches);
}
