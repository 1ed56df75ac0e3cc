// Builds the running agent from a loaded configuration: one MeterProvider and one
// LoggerProvider per pipeline, exporters attached to them, receivers writing through a
// fan-out to every pipeline they are in. Starts exporters, extensions, then receivers;
// stops in the reverse order and flushes within service.shutdown_timeout.
import { diag, DiagLogLevel, type Logger, type Meter } from '@opentelemetry/api';
import { LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { type IMetricReader, MeterProvider } from '@opentelemetry/sdk-metrics';
import type { Lifecycle } from '../component/component.ts';
import type { Signal } from '../component/component-id.ts';
import type { AgentConfig } from '../config/load-config.ts';
import type { AgentLog } from '../diagnostics/agent-log.ts';
import { AGENT_VERSION } from '../version.ts';
import { fanOutLogger, fanOutMeter } from './fan-out.ts';
import { buildResource } from './resource.ts';

interface RunningPipeline {
  id: string;
  signal: Signal;
  meterProvider?: MeterProvider;
  loggerProvider?: LoggerProvider;
}

export class Service {
  private readonly config: AgentConfig;
  private readonly log: AgentLog;
  private readonly pipelines: RunningPipeline[] = [];
  private readonly exporterStarts: (() => Promise<void>)[] = [];
  private readonly receivers: { id: string; component: Lifecycle }[] = [];
  private readonly extensions: { id: string; component: Lifecycle }[] = [];
  private started = false;

  constructor(config: AgentConfig, log: AgentLog) {
    this.config = config;
    this.log = log;
    routeSdkDiagnostics(log);
    this.build();
  }

  private build(): void {
    const resource = buildResource(this.config.service.resource);
    for (const pipeline of this.config.pipelines) {
      const running: RunningPipeline = { id: pipeline.id, signal: pipeline.signal };
      if (pipeline.signal === 'metrics') {
        const readers: IMetricReader[] = pipeline.exporters.map((id) => {
          const entry = this.config.exporters.get(id)!;
          const exporter = entry.factory.createMetricsExporter!({ id, config: entry.config, log: this.log.child({ component: id }) });
          if (exporter.start) this.exporterStarts.push(exporter.start);
          return exporter.reader;
        });
        running.meterProvider = new MeterProvider({ resource, readers });
      } else {
        const processors: LogRecordProcessor[] = pipeline.exporters.map((id) => {
          const entry = this.config.exporters.get(id)!;
          const exporter = entry.factory.createLogsExporter!({ id, config: entry.config, log: this.log.child({ component: id }) });
          if (exporter.start) this.exporterStarts.push(exporter.start);
          return exporter.processor;
        });
        running.loggerProvider = new LoggerProvider({ resource, processors });
      }
      this.pipelines.push(running);
    }

    for (const [id, entry] of this.config.receivers) {
      const inPipelines = this.pipelines.filter((p) => this.config.pipelines.find((c) => c.id === p.id)!.receivers.includes(id));
      if (inPipelines.length === 0) continue;
      const scope = `${'backbone-otel-agent'}/receiver/${entry.id.type}`;
      const meters: Meter[] = inPipelines.flatMap((p) => (p.meterProvider ? [p.meterProvider.getMeter(scope, AGENT_VERSION)] : []));
      const loggers: Logger[] = inPipelines.flatMap((p) => (p.loggerProvider ? [p.loggerProvider.getLogger(scope, AGENT_VERSION)] : []));
      const signals = new Set<Signal>(inPipelines.map((p) => p.signal));
      const component = entry.factory.createReceiver(
        { id, config: entry.config, log: this.log.child({ component: id }) },
        { meter: fanOutMeter(meters), logger: fanOutLogger(loggers), signals },
      );
      this.receivers.push({ id, component });
    }

    for (const id of this.config.service.extensions) {
      const entry = this.config.extensions.get(id)!;
      this.extensions.push({ id, component: entry.factory.createExtension({ id, config: entry.config, log: this.log.child({ component: id }) }) });
    }
  }

  /** Starts everything; a component that cannot start stops the ones started before it. */
  async start(): Promise<void> {
    for (const warning of this.config.warnings) this.log.warn(warning);
    try {
      for (const start of this.exporterStarts) await start();
      for (const { component } of this.extensions) await component.start();
      for (const { id, component } of this.receivers) {
        try {
          await component.start();
        } catch (error) {
          throw new Error(`${id}: ${(error as Error).message}`);
        }
      }
      this.started = true;
      this.log.info(`agent started: ${this.receivers.length} receiver(s), ${this.pipelines.length} pipeline(s)`);
    } catch (error) {
      await this.shutdown();
      throw error;
    }
  }

  /** Receivers stop first, then pipelines flush what they hold, within the timeout. */
  async shutdown(): Promise<void> {
    const timeout = this.config.service.shutdown_timeout;
    const work = (async () => {
      await Promise.allSettled(this.receivers.map(({ component }) => component.shutdown()));
      await Promise.allSettled(this.pipelines.map((p) => p.meterProvider?.forceFlush()));
      await Promise.allSettled(this.pipelines.map((p) => p.loggerProvider?.forceFlush()));
      await Promise.allSettled(this.pipelines.flatMap((p) => [p.meterProvider?.shutdown(), p.loggerProvider?.shutdown()]));
      await Promise.allSettled(this.extensions.map(({ component }) => component.shutdown()));
    })();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => { timer = setTimeout(() => resolve('expired'), timeout); });
    const outcome = await Promise.race([work.then(() => 'done' as const), expired]);
    clearTimeout(timer);
    if (outcome === 'expired') this.log.warn(`shutdown took longer than service.shutdown_timeout (${timeout} ms); unsent data was dropped`);
    else if (this.started) this.log.info('agent stopped');
    this.started = false;
  }

  /** Collects and exports now, for every pipeline (used by tests and on shutdown). */
  async flush(): Promise<void> {
    await Promise.all(this.pipelines.map((p) => p.meterProvider?.forceFlush()));
    await Promise.all(this.pipelines.map((p) => p.loggerProvider?.forceFlush()));
  }

  receiver(id: string): Lifecycle | undefined {
    return this.receivers.find((r) => r.id === id)?.component;
  }
}

/** The SDK reports export failures through diag on every attempt: say each one once. */
function routeSdkDiagnostics(log: AgentLog): void {
  const sdkLog = log.child({ component: 'opentelemetry-sdk' });
  const say = (level: 'warn' | 'error') => (message: string, ...args: unknown[]) => {
    const text = [message, ...args.map((arg) => (arg instanceof Error ? arg.message : typeof arg === 'string' ? arg : ''))].join(' ').trim();
    sdkLog.problem(text.slice(0, 120), level, text);
  };
  diag.setLogger({
    error: say('error'), warn: say('warn'), info: () => {}, debug: () => {}, verbose: () => {},
  }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}
