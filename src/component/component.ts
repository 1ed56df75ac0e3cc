// What every component (receiver, processor, exporter, extension) looks like to the
// pipeline builder, in the shape of the OpenTelemetry Collector: a factory with a type name,
// a stability level and a config schema with defaults, that creates the component itself.
import type { Logger, Meter } from '@opentelemetry/api';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import type * as z from 'zod';
import type { AgentLog } from '../diagnostics/agent-log.ts';
import type { ComponentKind, Signal } from './component-id.ts';

export type Stability = 'development' | 'alpha' | 'beta' | 'stable';

export interface FactoryBase<Config> {
  kind: ComponentKind;
  type: string;
  stability: Stability;
  description: string;
  signals: readonly Signal[];
  /** Validates the YAML value and fills in defaults. Unknown keys must be errors. */
  configSchema: z.ZodType<Config, unknown>;
  /** Checks that need the whole config (a listening port used twice, say); empty when fine. */
  crossCheck?: (config: Config) => string[];
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

/** Where a receiver sends its data: fans out to every pipeline the receiver is in. */
export interface ReceiverHost {
  meter: Meter;
  logger: Logger;
  signals: ReadonlySet<Signal>;
}

export interface ReceiverFactory<Config = unknown> extends FactoryBase<Config> {
  kind: 'receiver';
  createReceiver(settings: ComponentSettings<Config>, host: ReceiverHost): Lifecycle;
}

/** An exporter as one metrics pipeline uses it: push exporters come in a periodic reader. */
export interface MetricsExporter {
  reader: IMetricReader;
  /** Runs before receivers start; a failure (a port in use, say) stops the agent. */
  start?(): Promise<void>;
}

export interface LogsExporter {
  processor: LogRecordProcessor;
  start?(): Promise<void>;
}

export interface ExporterFactory<Config = unknown> extends FactoryBase<Config> {
  kind: 'exporter';
  /** Called once per metrics pipeline the exporter is in. */
  createMetricsExporter?(settings: ComponentSettings<Config>): MetricsExporter;
  /** Called once per logs pipeline the exporter is in. */
  createLogsExporter?(settings: ComponentSettings<Config>): LogsExporter;
  /** Set when one instance cannot serve two pipelines (a listening port, say). */
  onePipelineOnly?: boolean;
}

export interface ProcessorFactory<Config = unknown> extends FactoryBase<Config> {
  kind: 'processor';
  createLogRecordProcessor?(settings: ComponentSettings<Config>, next: LogRecordProcessor): LogRecordProcessor;
}

export interface ExtensionFactory<Config = unknown> extends FactoryBase<Config> {
  kind: 'extension';
  createExtension(settings: ComponentSettings<Config>): Lifecycle;
}

export type AnyFactory = ReceiverFactory | ExporterFactory | ProcessorFactory | ExtensionFactory;
