// What every component (receiver, processor, exporter, extension) looks like to the
// pipeline builder, in the shape of the OpenTelemetry Collector: a factory with a type name,
// a stability level and a config schema with defaults, that creates the component itself.
import type { Logger, Meter } from '@opentelemetry/api';
import type { AggregationTemporalitySelector, MetricProducer } from '@opentelemetry/sdk-metrics';
import type * as z from 'zod';
import type { AgentLog } from '../diagnostics/agent-log.ts';
import type { ComponentKind, Signal } from './component-id.ts';
import type { Answer, LogsConsumer, MetricShape, MetricsConsumer } from './consumer.ts';
import type { ObservedTelemetry } from './observed-telemetry.ts';

export type Stability = 'development' | 'alpha' | 'beta' | 'stable';

export interface FactoryBase<Config, Parsed = Config> {
  kind: ComponentKind;
  type: string;
  stability: Stability;
  description: string;
  signals: readonly Signal[];
  /** Validates the YAML value and fills in defaults. Unknown keys must be errors. */
  configSchema: z.ZodType<Parsed, unknown>;
  /** Checks that need the whole config (a listening port used twice, say); empty when fine. */
  crossCheck?: (config: Parsed) => string[];
  /**
   * Completes the configuration from the components it names (a receiver's `layout:`
   * extension), once every component was read. Without it, the parsed configuration is the
   * configuration.
   */
  resolve?: (config: Parsed, context: ResolveContext) => Resolved<Config>;
  /** What it claims of a resource it shares with other components; the claims on one resource must agree. */
  claims?: (config: Config) => Claim[];
  /** Runs on the leader only when service.leader_election does not list the receivers (the Backbone receivers). */
  leaderOnly?: boolean;
  /** The folders it reads and the agent never writes to (checked against the leader election's lease_dir). */
  roots?: (config: Config) => string[];
  /**
   * Loads the component's code, for a factory that keeps it out of memory until a configuration
   * uses the component (Service.create calls it before building): an agent pays for what it runs.
   */
  load?: () => Promise<void>;
}

/** What resolve() may look at besides the component's own configuration. */
export interface ResolveContext {
  /** The keys written in the component's own YAML mapping (defaults filled in are not written). */
  written: ReadonlySet<string>;
  /** An extension by id, with its configuration; undefined when none is defined under that id. */
  extension(id: string): { type: string; config: unknown; enabled: boolean; valid: boolean } | undefined;
  /** Every extension id defined. */
  extensionIds: readonly string[];
}

/** A configuration problem found by resolve(), at a key path inside the component. */
export interface ComponentProblem {
  path: readonly (string | number)[];
  message: string;
}

/**
 * What resolve() made of a configuration; `fromElsewhere` names the keys it took from the
 * other component, which print-config leaves out so that its output loads again.
 */
export type Resolved<Config> = { config: Config; fromElsewhere?: readonly string[]; problems?: undefined } | { config?: undefined; problems: ComponentProblem[] };

/** A component's view of a shared resource (a Backbone root and the layout it reads it with). */
export interface Claim {
  /** What is shared, as said in messages ("Backbone root /srv/jira/data/backbone-issue-sync"). */
  resource: string;
  /** Compared between claims: empty when `other` agrees, else what differs. */
  differences(other: Claim): string[];
  /** Key path, inside the component, of the setting that makes the claim. */
  path: readonly (string | number)[];
  /** Opaque to the loader; what differences() compares. */
  value: unknown;
  /** How to make claims agree, said with the differences. */
  advice?: string;
}

/** What a running component may use from the agent. */
export interface ComponentSettings<Config> {
  id: string;
  config: Config;
  log: AgentLog;
}

export interface Lifecycle {
  start(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Where a receiver sends its data, as the Collector's receivers hand a batch to the next
 * consumer. It records on `meter` and emits on `logger`; what it recorded leaves as one batch
 * when it calls report() (after each poll or scan: its data points carry that time); what it
 * emitted leaves as one batch when it calls handOnLogs() (at the end of its round), which
 * answers for that batch, or with the next report(). Batches go to every pipeline the
 * receiver is in.
 */
export interface ReceiverHost {
  meter: Meter;
  logger: Logger;
  signals: ReadonlySet<Signal>;
  /**
   * Collects what the receiver recorded as of now and hands it, with the log records emitted
   * so far, to its pipelines. Reports never overlap: a call made during one waits for it.
   */
  report(): Promise<void>;
  /**
   * Hands the log records emitted so far to its pipelines, as one batch, and answers when every
   * pipeline took it as far as its exporters promise (a disk queue: fsynced), or refused it.
   * A receiver that promises its records (backbone_events) keeps what was refused and hands it
   * on again.
   */
  handOnLogs(): Promise<Answer>;
  /** Log records the receiver could not keep for its pipelines: counted as otelcol_exporter_enqueue_failed_log_records of their exporters. */
  notKept(records: number): void;
  /** Set when the receiver runs on the leader only (service.leader_election); see ReceiverLeadership. */
  leadership?: ReceiverLeadership;
  /** Where the receiver says how it is doing (its recoverable errors: root missing, API unreachable, ...); absent in hosts that keep no statuses (tests). */
  status?: ComponentStatusReporter;
}

/**
 * What a receiver that runs on the leader only (service.leader_election) gets: one instance is
 * made per term of leadership, and its meter and logger let nothing through once the term
 * ends. State that must pass to the next leader (a checkpoint) goes to `stateDir`, named by
 * `epoch`, and is written only while `holding()`.
 */
export interface ReceiverLeadership {
  /** A folder on the file system all agents share (the lease directory). */
  stateDir: string;
  /** The fencing token of this term: higher for every later term, on any agent. */
  epoch: number;
  /** The epoch of the term this one took over from; undefined on a new lease. */
  previousEpoch: number | undefined;
  /** True while this term still holds the lease: check it right before writing shared state. */
  holding(): boolean;
  /** Hands what the receiver reported so far to its exporters and waits until it is sent (or known not to be sendable now). */
  flush(): Promise<void>;
}

export interface ReceiverFactory<Config = unknown, Parsed = Config> extends FactoryBase<Config, Parsed> {
  kind: 'receiver';
  createReceiver(settings: ComponentSettings<Config>, host: ReceiverHost): Lifecycle;
  /**
   * A check of whether what it reads answers on this node (the local Jira's REST API), for
   * leader election to prefer an agent whose source answers (Jira Data Center). Every agent
   * runs it, the standbys too, so it must be cheap.
   */
  availability?(config: Config): AvailabilityProbe;
}

/** See ReceiverFactory.availability. */
export interface AvailabilityProbe {
  /** What it checks, for log lines ("the Backbone REST API at http://127.0.0.1:8080/"). */
  readonly description: string;
  /** Undefined when the source answers; else why not, in one sentence. */
  check(): Promise<string | undefined>;
  close(): void;
}

/** An exporter as one metrics pipeline uses it: it consumes batches in the shape it asks for. */
export interface MetricsExporter {
  consumer: MetricsConsumer;
  shape: MetricShape;
  /** Runs before receivers start; a failure (a port in use, say) stops the agent. */
  start?(): Promise<void>;
  /** Sends what is queued within the shutdown signal's time, then closes. */
  shutdown(): Promise<void>;
}

export interface LogsExporter {
  consumer: LogsConsumer;
  start?(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The agent's own counters for one exporter in one pipeline (otelcol_exporter_*). */
export interface ExporterStats {
  /** Items (log records or metric points) the backend accepted. */
  sent(items: number): void;
  /** Items in one failed attempt: counted on every attempt, so that retries show. */
  sendFailed(items: number, errorType: string, permanent: boolean): void;
  /** Items that could not be kept in the sending queue (full, or stopping). */
  enqueueFailed(items: number): void;
  /** Where otelcol_exporter_queue_size and _capacity are read from. */
  queue(read: () => { size: number; capacity: number }): void;
}

/**
 * How a component tells its host how it is doing, as the Collector's components report
 * componentstatus events: the health check (health_check) shows each component's latest
 * status with its cause and since when, and decides from them what the probes answer. Say
 * each change; saying the same status again changes nothing (its "since" stays).
 */
export interface ComponentStatusReporter {
  /** Working (again). */
  ok(): void;
  /**
   * Failing, and it may mend by itself while the component keeps trying: the backend or
   * Jira does not answer, a 401 until the token is fixed, the Backbone root is missing, a
   * scan was cut short. `cause` says what and why, as an operator reads it.
   */
  recoverableError(cause: string): void;
  /** Failing in a way that needs a person and that retrying does not mend (a request the backend refuses for good); cleared by the next ok(). */
  permanentError(cause: string): void;
  /** Stopped working for good and will not try again: only a restart of the agent helps (the liveness probe fails). */
  fatalError(cause: string): void;
}

/** What an exporter instance gets besides its configuration. */
export interface ExporterSettings<Config> extends ComponentSettings<Config> {
  /** The pipeline this instance serves ("logs", "metrics/backend"); names its disk queue. */
  pipeline: string;
  stats: ExporterStats;
  status: ComponentStatusReporter;
  /** Aborts when service.shutdown_timeout is about to run out: stop sending, keep what is queued. */
  shutdownSignal: AbortSignal;
  /** True when a processor of the pipeline gathers batches already (`batch`): the exporter sends what it is handed as it comes. */
  pipelineBatches: boolean;
  /**
   * The agent's own metrics (otelcol_*), for pull exporters (prometheus) to serve beside the
   * pipeline's data; undefined when service.telemetry.metrics.level is none or when this
   * pipeline carries them itself. Call it while being created, with the reader's temporality.
   */
  selfMetrics?: (temporality: AggregationTemporalitySelector) => MetricProducer;
}

export interface ExporterFactory<Config = unknown> extends FactoryBase<Config> {
  kind: 'exporter';
  /** Called once per metrics pipeline the exporter is in. */
  createMetricsExporter?(settings: ExporterSettings<Config>): MetricsExporter;
  /** Called once per logs pipeline the exporter is in. */
  createLogsExporter?(settings: ExporterSettings<Config>): LogsExporter;
  /** Set when one instance cannot serve two pipelines (a listening port, say). */
  onePipelineOnly?: boolean;
}

export interface ProcessorSettings<Config> extends ComponentSettings<Config> {
  pipeline: string;
  signal: Signal;
}

/**
 * What a processor does in one pipeline: a stage for each signal it takes, made with the
 * stage after it (the next processor, or the pipeline's exporters), as the Collector's
 * processors are. Stages run in the order the pipeline lists the processors.
 */
export interface PipelineProcessor {
  metrics?(next: MetricsConsumer): MetricsConsumer;
  logs?(next: LogsConsumer): LogsConsumer;
  start?(): Promise<void>;
  shutdown?(): Promise<void>;
}

export interface ProcessorFactory<Config = unknown> extends FactoryBase<Config> {
  kind: 'processor';
  /** Set when it gathers batches into larger ones (`batch`): the pipeline's exporters then do not. */
  batches?: boolean;
  /** Called once per pipeline the processor is in. */
  createProcessor(settings: ProcessorSettings<Config>): PipelineProcessor;
}

/**
 * The Collector's component statuses (componentstatus.Status), and `standby`: a receiver that
 * runs on the leader only, on an agent that is not the leader (healthy).
 */
export type ComponentState = 'starting' | 'ok' | 'standby' | 'recoverable_error' | 'permanent_error' | 'fatal_error' | 'stopping' | 'stopped';

export interface ComponentStatus {
  kind: ComponentKind;
  id: string;
  /** For exporters: the pipeline of this instance. */
  pipeline?: string;
  state: ComponentState;
  /** Since when the component is in this state (ms since the epoch): an error keeps its start while its cause changes. */
  since: number;
  /** The cause, in an error state. */
  error?: string;
  /** For exporters: items in the sending queue and its capacity. */
  queue?: { size: number; capacity: number };
}

/** A pipeline as the health check aggregates it: the components whose statuses make its status. */
export interface PipelineMembers {
  id: string;
  receivers: readonly string[];
  exporters: readonly string[];
}

/** The agent as a whole and each of its components, for the health check. */
export interface StatusView {
  agent(): { state: 'starting' | 'running' | 'stopping' | 'stopped'; since: number; startedAt: number };
  components(): ComponentStatus[];
  /** The pipelines, for the status of one (GET /?pipeline=logs). */
  pipelines(): readonly PipelineMembers[];
}

export interface ExtensionSettings<Config> extends ComponentSettings<Config> {
  status: StatusView;
  /** The receivers' data as they report it, for an extension whose factory sets observesReceivers. */
  observed?: ObservedTelemetry;
}

/**
 * What the service and the leadership runner say of a component besides what it says itself:
 * that it is starting, that it started (ok unless it reported something meanwhile, as the
 * Collector's ReportOKIfStarting), and that it stands by on an agent that does not lead.
 */
export interface ComponentStatusControl extends ComponentStatusReporter {
  starting(): void;
  okIfStarting(): void;
  standby(): void;
  /** A reporter for the component itself that lets nothing through while `open()` is false (a leader-only receiver after its term). */
  gated(open: () => boolean): ComponentStatusReporter;
}

/** A receiver the service hands to a leadership runner instead of starting it. */
export interface LeaderOnlyReceiver {
  id: string;
  /** Its configuration. */
  config: unknown;
  /** Where it writes, before gating. */
  host: ReceiverHost;
  /** Makes one instance (one per term). */
  create(host: ReceiverHost): Lifecycle;
  /** Flushes the logs pipelines it is in. */
  flush(): Promise<void>;
  status: ComponentStatusControl;
}

/** What an extension that elects a leader is told of the configuration. */
export interface LeadershipContext {
  /** Every receiver of the configuration, with its factory and configuration. */
  receivers: ReadonlyMap<string, { factory: ReceiverFactory; config: unknown }>;
  /** service.leader_election: the receivers that run on the leader only (undefined: those whose factory says leaderOnly). */
  elected: readonly string[] | undefined;
  log: AgentLog;
}

/**
 * What an extension that elects a leader (leader_election) offers the service: it runs some
 * receivers on the leader only, starting an instance per term. The service knows it by this
 * interface alone, as the Collector's service knows extensions by the interfaces they implement.
 */
export interface LeadershipRunner {
  /** True when receiver `id` runs on the leader only. */
  elects(id: string): boolean;
  add(receiver: LeaderOnlyReceiver): void;
  /** Receivers that run on the leader only. */
  readonly size: number;
  /** Finds its extension among the running ones; `report` hands the leader gauge and records on. */
  bind(extensions: readonly { component: Lifecycle }[], meter: Meter, logger: Logger, report: () => Promise<void>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The running instance of a leader-only receiver (on the leader). */
  receiver(id: string): Lifecycle | undefined;
}

export interface ExtensionFactory<Config = unknown> extends FactoryBase<Config> {
  kind: 'extension';
  /** Set when it elects a leader among several agents: the service hands it the leader-only receivers. */
  leadership?: (context: LeadershipContext) => LeadershipRunner;
  /** Set when it shows what the receivers report (status_page): the service then hands it ExtensionSettings.observed. */
  observesReceivers?: boolean;
  createExtension(settings: ExtensionSettings<Config>): Lifecycle;
}

export type AnyFactory = ReceiverFactory | ExporterFactory | ProcessorFactory | ExtensionFactory;

/** Every component type the agent knows, by kind (made in src/components.ts, the one file that imports every factory). */
export interface Registry {
  receivers: ReadonlyMap<string, ReceiverFactory>;
  processors: ReadonlyMap<string, ProcessorFactory>;
  exporters: ReadonlyMap<string, ExporterFactory>;
  extensions: ReadonlyMap<string, ExtensionFactory>;
}
