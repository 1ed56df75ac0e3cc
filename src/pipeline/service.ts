// Builds the running agent from a loaded configuration: one MeterProvider and one
// LoggerProvider per pipeline, its processors applied (to its resource, to the Meter
// receivers write to, as stages log records pass through), exporters attached, receivers
// writing through a fan-out to every pipeline they are in. Starts exporters, processors,
// extensions, then receivers; stops in the reverse order and flushes within
// service.shutdown_timeout. Keeps the component statuses the health check shows and the
// agent's own metrics (self-telemetry.ts).
import { diag, DiagLogLevel, type Logger, type LogRecord, type Meter } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { type IMetricReader, MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  type Commit, commitAll, commitStage, type ExporterFactory, type ExporterSettings, type Lifecycle, type LogStage, type PipelineProcessor,
} from '../component/component.ts';
import type { Signal } from '../component/component-id.ts';
import type { AgentConfig, ComponentEntry, PipelineConfig } from '../config/load-config.ts';
import type { AgentLog } from '../diagnostics/agent-log.ts';
import { gatedMeter } from '../processors/meter-wrappers.ts';
import { AGENT_NAME, AGENT_VERSION } from '../version.ts';
import { StatusBoard } from './component-status.ts';
import { fanOutLogger, fanOutMeter } from './fan-out.ts';
import { Leadership } from './leadership.ts';
import { ReceiverObserver } from './receiver-observer.ts';
import { buildResource } from './resource.ts';
import { SelfTelemetry } from './self-telemetry.ts';

interface RunningPipeline {
  id: string;
  signal: Signal;
  meterProvider?: MeterProvider;
  loggerProvider?: LoggerProvider;
  /** The first stage of a logs pipeline: where commit() starts. */
  logHead?: LogRecordProcessor;
  /** Log records a memory_limiter refused at the entry: lost after they were reported (see Commit.lost). */
  refusedLogs: number;
  processors: { id: string; instance: PipelineProcessor }[];
}

export class Service {
  private readonly config: AgentConfig;
  private readonly log: AgentLog;
  private readonly pipelines: RunningPipeline[] = [];
  private readonly exporterStarts: (() => Promise<void>)[] = [];
  private readonly receivers: { id: string; component: Lifecycle }[] = [];
  private readonly extensions: { id: string; component: Lifecycle }[] = [];
  /** With a leader_election extension: starts and stops the receivers that run on the leader only. */
  private readonly leadership: Leadership | undefined;
  private started = false;
  /** Aborts shortly before service.shutdown_timeout runs out: exporters stop sending then. */
  private readonly stopSending = new AbortController();
  readonly status = new StatusBoard();
  readonly selfTelemetry: SelfTelemetry;
  /** Set when an extension shows what the receivers report (status_page). */
  private observer: ReceiverObserver | undefined;

  constructor(config: AgentConfig, log: AgentLog) {
    this.config = config;
    this.log = log;
    this.selfTelemetry = new SelfTelemetry(config.service.telemetry.metrics.level);
    routeSdkDiagnostics(log);
    this.leadership = Leadership.fromConfig(config, log);
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
      const running: RunningPipeline = { id: pipeline.id, signal: pipeline.signal, processors, refusedLogs: 0 };
      const pipelineResource = processors.reduce<Resource>((current, { instance }) => instance.resource?.(current) ?? current, resource);
      const carriesSelfMetrics = selfPipelines.has(pipeline.id);
      if (pipeline.signal === 'metrics') {
        const readers: IMetricReader[] = pipeline.exporters.map((id) => {
          const entry = this.config.exporters.get(id)!;
          const exporter = entry.factory.createMetricsExporter!(this.exporterSettings(id, entry, pipeline, !carriesSelfMetrics));
          if (exporter.start) this.exporterStarts.push(exporter.start);
          return exporter.reader;
        });
        running.meterProvider = new MeterProvider({ resource: pipelineResource, readers });
        if (carriesSelfMetrics) this.selfTelemetry.register(this.pipelineMeter(running, 'backbone-otel-agent/self'));
      } else {
        const exporterProcessors: LogRecordProcessor[] = pipeline.exporters.map((id) => {
          const entry = this.config.exporters.get(id)!;
          const exporter = entry.factory.createLogsExporter!(this.exporterSettings(id, entry, pipeline, false));
          if (exporter.start) this.exporterStarts.push(exporter.start);
          return withCommit(exporter.processor);
        });
        // Stages in the order listed: the first processor sees each record first.
        let head: LogRecordProcessor = exporterProcessors.length === 1 ? exporterProcessors[0]! : new FanOutProcessor(exporterProcessors);
        for (const { instance } of [...processors].reverse()) head = instance.logs?.(head) ?? head;
        running.logHead = head;
        running.loggerProvider = new LoggerProvider({ resource: pipelineResource, processors: [head] });
      }
      this.pipelines.push(running);
    }

    // An extension that shows what the receivers report (status_page) reads it beside the pipelines, before any processor.
    const observing = this.config.service.extensions.some((id) => this.config.extensions.get(id)!.factory.observesReceivers);
    this.observer = observing
      ? new ReceiverObserver(resource, {
        configFile: this.config.file,
        selfTotal: (name, match) => this.selfTelemetry.total(name, match),
        problems: () => this.log.openProblems(),
      })
      : undefined;
    for (const [id, entry] of this.config.receivers) {
      const inPipelines = this.pipelines.filter((p) => this.pipelineConfig(p.id).receivers.includes(id));
      if (inPipelines.length === 0) continue;
      const scope = `${AGENT_NAME}/receiver/${entry.id.type}`;
      const meters: Meter[] = inPipelines.flatMap((p) => (p.meterProvider ? [this.receiverMeter(p, id, scope)] : []));
      const loggers: Logger[] = inPipelines.flatMap((p) => (p.loggerProvider ? [this.receiverLogger(p, id, scope)] : []));
      if (this.observer) {
        meters.push(this.observer.meter(scope));
        loggers.push(this.observer.logger(scope));
      }
      const signals = new Set<Signal>(inPipelines.map((p) => p.signal));
      const status = this.status.register('receiver', id);
      const settings = { id, config: entry.config, log: this.log.child({ component: id }) };
      const logPipelines = inPipelines.filter((p) => p.logHead !== undefined);
      const commit = async (): Promise<Commit> => {
        const answers = await Promise.all(logPipelines.map((p) => commitStage(p.logHead!)));
        const refused = logPipelines.reduce((sum, p) => sum + p.refusedLogs, 0);
        const refusingNow = logPipelines.some((p) => this.refusing(p) !== undefined);
        const all = commitAll(answers);
        return { kept: all.kept && !refusingNow, lost: all.lost + refused };
      };
      const host = { meter: fanOutMeter(meters), logger: fanOutLogger(loggers), signals, commit };
      if (this.leadership?.elects(id)) {
        // Runs on the leader only: the leadership controller makes and starts an instance per term.
        const flush = async () => { await Promise.all(inPipelines.map((p) => p.loggerProvider?.forceFlush())); };
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
      const scope = `${AGENT_NAME}/extension/leader_election`;
      this.leadership.bind(this.extensions,
        carrying.flatMap((p) => (p.meterProvider ? [this.pipelineMeter(p, scope)] : [])),
        carrying.flatMap((p) => (p.loggerProvider ? [p.loggerProvider.getLogger(scope, AGENT_VERSION)] : [])));
    }
    this.selfTelemetry.start(resource);
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
      ...(selfMetrics ? { selfMetrics } : {}),
    };
  }

  /** The Meter of a pipeline as its processors shape it (filter, ...). */
  private pipelineMeter(pipeline: RunningPipeline, scope: string): Meter {
    const meter = pipeline.meterProvider!.getMeter(scope, AGENT_VERSION);
    return pipeline.processors.reduce((current, { instance }) => instance.meter?.(current) ?? current, meter);
  }

  /** The name of a processor that refuses data now (memory_limiter), if any. */
  private refusing(pipeline: RunningPipeline): string | undefined {
    return pipeline.processors.find(({ instance }) => instance.refusing?.())?.id;
  }

  private receiverMeter(pipeline: RunningPipeline, receiver: string, scope: string): Meter {
    const meter = this.pipelineMeter(pipeline, scope);
    if (!pipeline.processors.some(({ instance }) => instance.refusing)) return meter;
    let refusedBy = '';
    return gatedMeter(meter, () => {
      refusedBy = this.refusing(pipeline) ?? '';
      return refusedBy === '';
    }, (items) => this.selfTelemetry.refused(receiver, refusedBy, 'metrics', items));
  }

  /** A receiver's Logger for one pipeline: counts what it hands in, refuses while a memory_limiter says so. */
  private receiverLogger(pipeline: RunningPipeline, receiver: string, scope: string): Logger {
    const logger = pipeline.loggerProvider!.getLogger(scope, AGENT_VERSION);
    return {
      emit: (record: LogRecord) => {
        const refusedBy = this.refusing(pipeline);
        if (refusedBy !== undefined) {
          this.selfTelemetry.refused(receiver, refusedBy, 'logs', 1);
          pipeline.refusedLogs++;
          return;
        }
        this.selfTelemetry.receiverAccepted(receiver, 1);
        logger.emit(record);
      },
      enabled: (options) => logger.enabled(options),
    };
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
   * Receivers stop first, then pipelines flush what they hold and exporters send what is
   * queued, within service.shutdown_timeout: a little before it runs out, sending stops and
   * what is left stays in the disk queues (storage) or is counted as lost.
   */
  async shutdown(): Promise<void> {
    const timeout = this.config.service.shutdown_timeout;
    this.status.setAgent('stopping');
    const stopSendingTimer = setTimeout(() => this.stopSending.abort(), Math.max(timeout - Math.min(1000, timeout / 10), timeout / 2));
    const work = (async () => {
      await Promise.allSettled([...this.receivers.map(({ component }) => component.shutdown()), this.leadership?.stop()]);
      await Promise.allSettled(this.pipelines.map((p) => p.meterProvider?.forceFlush()));
      await Promise.allSettled(this.pipelines.map((p) => p.loggerProvider?.forceFlush()));
      await Promise.allSettled(this.pipelines.flatMap((p) => [p.meterProvider?.shutdown(), p.loggerProvider?.shutdown()]));
      await Promise.allSettled(this.pipelines.flatMap((p) => p.processors.map(({ instance }) => instance.shutdown?.())));
      await this.selfTelemetry.shutdown().catch(() => {});
      await this.observer?.shutdown();
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

  /** Collects and exports now, for every pipeline, and waits until it is sent or a send failed (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.all(this.pipelines.map((p) => p.meterProvider?.forceFlush()));
    await Promise.all(this.pipelines.map((p) => p.loggerProvider?.forceFlush()));
  }

  receiver(id: string): Lifecycle | undefined {
    return this.receivers.find((r) => r.id === id)?.component ?? this.leadership?.receiver(id);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Passes each log record on to every exporter of a pipeline. */
class FanOutProcessor implements LogStage {
  private readonly processors: LogRecordProcessor[];
  constructor(processors: LogRecordProcessor[]) {
    this.processors = processors;
  }
  onEmit(record: ReadWriteLogRecord): void {
    for (const processor of this.processors) processor.onEmit(record);
  }
  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((processor) => processor.forceFlush()));
  }
  async commit(): Promise<Commit> {
    return commitAll(await Promise.all(this.processors.map((processor) => commitStage(processor))));
  }
  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((processor) => processor.shutdown()));
  }
}

/**
 * An exporter's processor that cannot answer commit() (debug's, on the SDK's batch
 * processor) takes records without promising to keep them: it counts as kept once flushed.
 */
function withCommit(processor: LogRecordProcessor): LogRecordProcessor {
  if (typeof (processor as Partial<LogStage>).commit === 'function') return processor;
  const stage: LogStage = {
    onEmit: (record, context) => processor.onEmit(record, context),
    forceFlush: () => processor.forceFlush(),
    shutdown: () => processor.shutdown(),
    commit: async () => {
      await processor.forceFlush();
      return { kept: true, lost: 0 };
    },
  };
  return stage;
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
