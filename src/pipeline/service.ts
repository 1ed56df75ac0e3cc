// Builds the running agent from a loaded configuration, as the OpenTelemetry Collector does:
// each pipeline is a chain of consumers, its processors in the order listed and then its
// exporters; each receiver is a source (sources.ts) whose batches enter every pipeline it is
// in. A metrics pipeline whose exporters want different shapes (delta for one, exponential
// histograms for another) has a chain per shape, through the same processors. Starts
// exporters, processors, extensions, then receivers; stops in the reverse order and flushes
// within service.shutdown_timeout. Keeps the component statuses the health check shows and
// the agent's own metrics (self-telemetry.ts).
import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type {
  ExporterFactory, ExporterSettings, LeadershipRunner, Lifecycle, LogsExporter, MetricsExporter, PipelineProcessor, ReceiverHost,
} from '../component/component.ts';
import type { Signal } from '../component/component-id.ts';
import {
  type Answer, countPoints, type Refusal, DEFAULT_SHAPE, type LogBatch, type LogsConsumer, type MetricBatch, type MetricShape, type MetricsConsumer, shapeKey,
} from '../component/consumer.ts';
import type { AgentConfig, ComponentEntry, PipelineConfig } from '../config/load-config.ts';
import type { AgentLog } from '../diagnostics/agent-log.ts';
import { AGENT_NAME } from '../version.ts';
import { StatusBoard } from './component-status.ts';
import { fanOutLogs, fanOutMetrics } from './fan-out.ts';
import { ReceiverObserver } from './receiver-observer.ts';
import { buildResource } from './resource.ts';
import { SelfTelemetry } from './self-telemetry.ts';
import { Source } from './source.ts';

interface RunningPipeline {
  id: string;
  signal: Signal;
  processors: { id: string; instance: PipelineProcessor }[];
  /** Metrics: the first stage for each shape the exporters want, by shapeKey. */
  metricHeads: Map<string, { shape: MetricShape; head: MetricsConsumer }>;
  /** Logs: the first stage. */
  logHead?: LogsConsumer;
  exporters: (MetricsExporter | LogsExporter)[];
}

export class Service {
  private readonly config: AgentConfig;
  private readonly log: AgentLog;
  private readonly pipelines: RunningPipeline[] = [];
  private readonly exporterStarts: (() => Promise<void>)[] = [];
  private readonly receivers: { id: string; component: Lifecycle }[] = [];
  private readonly extensions: { id: string; component: Lifecycle }[] = [];
  /** Every source of batches: the receivers', the agent's own metrics, the leadership's. */
  private readonly sources: Source[] = [];
  /** Sources without a schedule of their own, reported every service.telemetry.metrics.interval. */
  private readonly periodic: Source[] = [];
  private periodicTimer: NodeJS.Timeout | undefined;
  /** With an extension that elects a leader (leader_election): starts and stops the receivers that run on the leader only. */
  private readonly leadership: LeadershipRunner | undefined;
  /** That extension's type, which scopes its telemetry. */
  private readonly leadershipType: string | undefined;
  private started = false;
  /** Aborts shortly before service.shutdown_timeout runs out: exporters stop sending then. */
  private readonly stopSending = new AbortController();
  readonly status: StatusBoard;
  readonly selfTelemetry: SelfTelemetry;
  /** Set when an extension shows what the receivers report (status_page). */
  private observer: ReceiverObserver | undefined;

  /** Loads the code of the components the configuration uses (factory.load), then builds the service. */
  static async create(config: AgentConfig, log: AgentLog): Promise<Service> {
    const entries = [...config.receivers.values(), ...config.processors.values(), ...config.exporters.values(), ...config.extensions.values()];
    await Promise.all(entries.map((entry) => entry.factory.load?.()));
    return new Service(config, log);
  }

  constructor(config: AgentConfig, log: AgentLog) {
    this.config = config;
    this.log = log;
    this.status = new StatusBoard(config.pipelines);
    this.selfTelemetry = new SelfTelemetry(config.service.telemetry.metrics.level);
    routeSdkDiagnostics(log);
    // The first extension of service.extensions that elects a leader runs the leader-only receivers.
    const elector = config.service.extensions.map((id) => ({ id, entry: config.extensions.get(id)! })).find(({ entry }) => entry.factory.leadership);
    this.leadershipType = elector?.entry.factory.type;
    this.leadership = elector?.entry.factory.leadership!({
      receivers: config.receivers, elected: config.service.leader_election, log: log.child({ component: elector.id }),
    });
    this.build();
  }

  private build(): void {
    const resource = buildResource(this.config.service.resource);
    const selfPipelines = new Set(this.config.service.telemetry.metrics.pipelines);
    for (const pipeline of this.config.pipelines) {
      const processors = pipeline.processors.map((id) => {
        const entry = this.config.processors.get(id)!;
        const instance = entry.factory.createProcessor({
          id, config: entry.config, log: this.log.child({ component: id }), pipeline: pipeline.id, signal: pipeline.signal,
        });
        return { id, instance };
      });
      const running: RunningPipeline = {
        id: pipeline.id, signal: pipeline.signal, processors, metricHeads: new Map(), exporters: [],
      };
      const carriesSelfMetrics = selfPipelines.has(pipeline.id);
      if (pipeline.signal === 'metrics') {
        const byShape = new Map<string, { shape: MetricShape; consumers: MetricsConsumer[] }>();
        for (const id of pipeline.exporters) {
          const entry = this.config.exporters.get(id)!;
          const exporter = entry.factory.createMetricsExporter!(this.exporterSettings(id, entry, pipeline, !carriesSelfMetrics));
          running.exporters.push(exporter);
          if (exporter.start) this.exporterStarts.push(exporter.start);
          const key = shapeKey(exporter.shape);
          let group = byShape.get(key);
          if (!group) byShape.set(key, (group = { shape: exporter.shape, consumers: [] }));
          group.consumers.push(exporter.consumer);
        }
        // Stages in the order listed: the first processor sees each batch first.
        for (const [key, { shape, consumers }] of byShape) {
          let head = fanOutMetrics(consumers);
          for (const { instance } of [...processors].reverse()) head = instance.metrics?.(head) ?? head;
          running.metricHeads.set(key, { shape, head });
        }
      } else {
        const consumers = pipeline.exporters.map((id) => {
          const entry = this.config.exporters.get(id)!;
          const exporter = entry.factory.createLogsExporter!(this.exporterSettings(id, entry, pipeline, false));
          running.exporters.push(exporter);
          if (exporter.start) this.exporterStarts.push(exporter.start);
          return exporter.consumer;
        });
        let head = fanOutLogs(consumers);
        for (const { instance } of [...processors].reverse()) head = instance.logs?.(head) ?? head;
        running.logHead = head;
      }
      this.pipelines.push(running);
    }

    // An extension that shows what the receivers report (status_page) gets their batches too, before any processor.
    const observing = this.config.service.extensions.some((id) => this.config.extensions.get(id)!.factory.observesReceivers);
    this.observer = observing
      ? new ReceiverObserver({
        configFile: this.config.file,
        selfTotal: (name, match) => this.selfTelemetry.total(name, match),
        problems: () => this.log.openProblems(),
      })
      : undefined;
    for (const [id, entry] of this.config.receivers) {
      const inPipelines = this.pipelines.filter((p) => this.pipelineConfig(p.id).receivers.includes(id));
      if (inPipelines.length === 0) continue;
      const source = this.source(resource, inPipelines, id, this.observer);
      const scope = `${AGENT_NAME}/receiver/${entry.id.type}`;
      const status = this.status.register('receiver', id);
      const host: ReceiverHost = {
        meter: source.meter(scope), logger: source.logger(scope), signals: new Set<Signal>(inPipelines.map((p) => p.signal)),
        report: () => source.report(), handOnLogs: () => source.handOnLogs(), status,
        notKept: (records) => {
          for (const pipeline of inPipelines.filter((p) => p.signal === 'logs')) {
            for (const exporter of this.pipelineConfig(pipeline.id).exporters) this.selfTelemetry.exporter(exporter, 'logs').enqueueFailed(records);
          }
        },
      };
      const settings = { id, config: entry.config, log: this.log.child({ component: id }) };
      if (this.leadership?.elects(id)) {
        // Runs on the leader only: the leadership controller makes and starts an instance per term.
        const flush = async () => {
          await source.report();
          await Promise.all(inPipelines.map((p) => this.flushPipeline(p)));
        };
        this.leadership.add({ id, config: entry.config, host, status, flush, create: (termHost) => entry.factory.createReceiver(settings, termHost) });
        continue;
      }
      this.receivers.push({ id, component: entry.factory.createReceiver(settings, host) });
    }

    for (const id of this.config.service.extensions) {
      const entry = this.config.extensions.get(id)!;
      this.status.register('extension', id);
      this.extensions.push({
        id,
        component: entry.factory.createExtension({
          id, config: entry.config, log: this.log.child({ component: id }), status: this.status,
          ...(entry.factory.observesReceivers && this.observer ? { observed: this.observer.view() } : {}),
        }),
      });
    }
    if (this.leadership) {
      // backbone.agent.leader and its change records go where the leader-only receivers' data goes.
      const carrying = this.pipelines.filter((p) => this.pipelineConfig(p.id).receivers.some((id) => this.leadership!.elects(id)));
      const source = this.source(resource, carrying, undefined, undefined);
      this.periodic.push(source);
      const scope = `${AGENT_NAME}/extension/${this.leadershipType!}`;
      this.leadership.bind(this.extensions, source.meter(scope), source.logger(scope), () => source.report());
    }
    const carryingSelf = this.pipelines.filter((p) => selfPipelines.has(p.id));
    if (carryingSelf.length > 0 && this.selfTelemetry.level !== 'none') {
      const source = this.source(resource, carryingSelf, undefined, undefined);
      this.periodic.push(source);
      this.selfTelemetry.register(source.meter(`${AGENT_NAME}/self`));
    }
    this.selfTelemetry.start(resource);
  }

  /**
   * A source whose batches enter `pipelines` (counted as receiver `receiver`'s when it is
   * one), in every shape their exporters want, and reach the observer when given.
   */
  private source(resource: Resource, pipelines: RunningPipeline[], receiver: string | undefined, observer: ReceiverObserver | undefined): Source {
    const shapes = pipelines.flatMap((p) => [...p.metricHeads.values()].map(({ shape }) => shape));
    if (observer) shapes.push(DEFAULT_SHAPE);
    const logsWanted = observer !== undefined || pipelines.some((p) => p.logHead !== undefined);
    const source = new Source(resource, shapes, logsWanted, (error) =>
      this.log.child({ component: receiver ?? 'agent' }).problem('collect', 'warn', `collecting metrics: ${error instanceof Error ? error.message : String(error)}`));
    for (const pipeline of pipelines) {
      for (const { shape, head } of pipeline.metricHeads.values()) source.metrics.route(shape, this.metricsEntry(head, receiver));
      if (pipeline.logHead) source.logs!.route(this.logsEntry(pipeline.logHead, receiver));
    }
    if (observer && receiver !== undefined) {
      source.metrics.route(DEFAULT_SHAPE, observer.metrics(receiver));
      source.logs!.route(observer.logs());
    }
    this.sources.push(source);
    return source;
  }

  /** Where a source's metric batches enter a pipeline: what the pipeline refuses is counted (the source does not retry metrics). */
  private metricsEntry(head: MetricsConsumer, receiver: string | undefined): (batch: MetricBatch) => Promise<Answer> {
    return async (batch) => {
      const answer = await head.consumeMetrics(batch);
      if (!answer.accepted) this.countRefused(receiver, answer.refusal, 'metrics', countPoints(batch));
      return answer;
    };
  }

  /** Where a source's log batches enter a pipeline: accepted or refused records are counted, and the answer goes back to the source. */
  private logsEntry(head: LogsConsumer, receiver: string | undefined): (batch: LogBatch) => Promise<Answer> {
    return async (batch) => {
      const answer = await head.consumeLogs(batch);
      if (!answer.accepted) this.countRefused(receiver, answer.refusal, 'logs', batch.length);
      else if (receiver !== undefined) this.selfTelemetry.receiverAccepted(receiver, batch.length);
      return answer;
    };
  }

  /** otelcol_receiver_refused_*, and otelcol_processor_refused_* when a processor (memory_limiter) refused. */
  private countRefused(receiver: string | undefined, refusal: Refusal, signal: Signal, items: number): void {
    this.selfTelemetry.refused(receiver, refusal.reason === 'memory_limit' ? refusal.by : undefined, signal, items);
  }

  private pipelineConfig(id: string): PipelineConfig {
    return this.config.pipelines.find((c) => c.id === id)!;
  }

  private exporterSettings(
    id: string, entry: ComponentEntry<ExporterFactory>, pipeline: PipelineConfig, servesSelfMetrics: boolean,
  ): ExporterSettings<unknown> {
    const stats = this.selfTelemetry.exporter(id, pipeline.signal);
    const status = this.status.register('exporter', id, pipeline.id);
    const selfMetrics = servesSelfMetrics ? this.selfTelemetry.producers() : undefined;
    return {
      id, config: entry.config, log: this.log.child({ component: id, pipeline: pipeline.id }), pipeline: pipeline.id,
      stats: {
        ...stats,
        queue: (read) => {
          stats.queue(read);
          this.status.queue('exporter', id, pipeline.id, read);
        },
      },
      status, shutdownSignal: this.stopSending.signal,
      pipelineBatches: pipeline.processors.some((processor) => this.config.processors.get(processor)!.factory.batches === true),
      ...(selfMetrics ? { selfMetrics } : {}),
    };
  }

  /** Hands on what a pipeline's processors hold and waits until its exporters sent it or a send failed. */
  private async flushPipeline(pipeline: RunningPipeline): Promise<void> {
    await Promise.all([...[...pipeline.metricHeads.values()].map(({ head }) => head.flush()), pipeline.logHead?.flush()]);
  }

  /** Starts everything; a component that cannot start stops the ones started before it. */
  async start(): Promise<void> {
    for (const warning of this.config.warnings) this.log.warn(warning);
    try {
      for (const start of this.exporterStarts) await start();
      for (const pipeline of this.pipelines) for (const { instance } of pipeline.processors) await instance.start?.();
      for (const { component } of this.extensions) await component.start();
      for (const { id, component } of this.receivers) {
        try {
          await component.start();
        } catch (error) {
          throw new Error(`${id}: ${(error as Error).message}`);
        }
      }
      await this.leadership?.start();
      if (this.periodic.length > 0) {
        this.periodicTimer = setInterval(() => { for (const source of this.periodic) void source.report(); }, this.config.service.telemetry.metrics.interval);
        this.periodicTimer.unref();
      }
      this.started = true;
      this.status.setAgent('running');
      const leaderOnly = this.leadership ? ` (and ${this.leadership.size} on the leader only)` : '';
      this.log.info(`agent started: ${this.receivers.length} receiver(s)${leaderOnly}, ${this.pipelines.length} pipeline(s)`);
    } catch (error) {
      await this.shutdown();
      throw error;
    }
  }

  /**
   * Receivers stop first; every source reports a last time; pipelines hand on what they hold
   * and exporters send what is queued, within service.shutdown_timeout: a little before it
   * runs out, sending stops and what is left stays in the disk queues (storage) or is counted
   * as lost.
   */
  async shutdown(): Promise<void> {
    const timeout = this.config.service.shutdown_timeout;
    this.status.setAgent('stopping');
    clearInterval(this.periodicTimer);
    const stopSendingTimer = setTimeout(() => this.stopSending.abort(), Math.max(timeout - Math.min(1000, timeout / 10), timeout / 2));
    const work = (async () => {
      await Promise.allSettled([...this.receivers.map(({ component }) => component.shutdown()), this.leadership?.stop()]);
      await Promise.allSettled(this.sources.map((source) => source.report()));
      await Promise.allSettled(this.pipelines.map((p) => this.flushPipeline(p)));
      await Promise.allSettled(this.pipelines.flatMap((p) => p.exporters.map((exporter) => exporter.shutdown())));
      await Promise.allSettled(this.pipelines.flatMap((p) => p.processors.map(({ instance }) => instance.shutdown?.())));
      await Promise.allSettled(this.sources.map((source) => source.shutdown()));
      await this.selfTelemetry.shutdown().catch(() => {});
      await Promise.allSettled(this.extensions.map(({ component }) => component.shutdown()));
    })();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => { timer = setTimeout(() => resolve('expired'), timeout); });
    const outcome = await Promise.race([work.then(() => 'done' as const), expired]);
    clearTimeout(timer);
    clearTimeout(stopSendingTimer);
    this.stopSending.abort();
    this.status.setAgent('stopped');
    if (outcome === 'expired') {
      // Whatever is still stuck, the endpoints the agent serves must close now.
      await Promise.race([Promise.allSettled(this.extensions.map(({ component }) => component.shutdown())), delay(500)]);
      this.log.warn(`shutdown took longer than service.shutdown_timeout (${timeout} ms): stopping anyway; data not yet sent stays in disk queues (storage) or is lost`);
    } else if (this.started) this.log.info('agent stopped');
    this.started = false;
  }

  /**
   * Every source reports now (unless `collect` is false: then only what they reported so far
   * goes on), and every pipeline hands on and sends what it holds; waits until it is sent or a
   * send failed (tests, the CLI's --once).
   */
  async flush(options: { collect?: boolean } = {}): Promise<void> {
    if (options.collect === false) await Promise.all(this.sources.map((source) => source.handOnLogs()));
    else await Promise.all(this.sources.map((source) => source.report()));
    await Promise.all(this.pipelines.map((p) => this.flushPipeline(p)));
  }

  receiver(id: string): Lifecycle | undefined {
    return this.receivers.find((r) => r.id === id)?.component ?? this.leadership?.receiver(id);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * The SDK reports export failures through diag on every attempt: say each one once, as one
 * line. Its global error handler passes errors as JSON with their stack
 * ({"stack":"Error: PeriodicExportingMetricReader: ...","message":...}): only the message is kept.
 */
function routeSdkDiagnostics(log: AgentLog): void {
  const sdkLog = log.child({ component: 'opentelemetry-sdk' });
  const say = (level: 'warn' | 'error') => (message: string, ...args: unknown[]) => {
    const text = [message, ...args.map((arg) => (arg instanceof Error ? arg.message : typeof arg === 'string' ? arg : ''))]
      .map(withoutStack).join(' ').replace(/\s+/g, ' ').trim();
    sdkLog.problem(text.slice(0, 120), level, text);
  };
  diag.setLogger({
    error: say('error'), warn: say('warn'), info: () => {}, debug: () => {}, verbose: () => {},
  }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}

/** The message of a JSON-encoded error (the SDK's global error handler), else the text itself. */
export function withoutStack(text: string): string {
  if (!text.startsWith('{')) return text;
  try {
    const parsed = JSON.parse(text) as { message?: unknown; stack?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
    if (typeof parsed.stack === 'string') return parsed.stack.split('\n')[0]!;
  } catch {
    // not JSON after all
  }
  return text;
}
