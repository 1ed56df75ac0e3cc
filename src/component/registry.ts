// Every component type the agent knows, by kind. A new component adds its factory here.
import { datadogExporterFactory } from '../exporters/datadog/factory.ts';
import { debugExporterFactory } from '../exporters/debug/factory.ts';
import { grafanaCloudExporterFactory } from '../exporters/grafana_cloud/factory.ts';
import { newrelicExporterFactory } from '../exporters/newrelic/factory.ts';
import { otlpHttpExporterFactory } from '../exporters/otlphttp/factory.ts';
import { prometheusExporterFactory } from '../exporters/prometheus/factory.ts';
import { backboneLayoutExtensionFactory } from '../extensions/backbone_layout/factory.ts';
import { healthCheckExtensionFactory } from '../extensions/health_check/factory.ts';
import { leaderElectionExtensionFactory } from '../extensions/leader_election/factory.ts';
import { statusPageExtensionFactory } from '../extensions/status_page/factory.ts';
import { batchProcessorFactory } from '../processors/batch/factory.ts';
import { filterProcessorFactory } from '../processors/filter/factory.ts';
import { memoryLimiterProcessorFactory } from '../processors/memory_limiter/factory.ts';
import { resourceProcessorFactory } from '../processors/resource/factory.ts';
import { eventsReceiverFactory } from '../receivers/backbone_events/factory.ts';
import { foldersReceiverFactory } from '../receivers/backbone_folders/factory.ts';
import { restReceiverFactory } from '../receivers/backbone_rest/factory.ts';
import type { ExporterFactory, ExtensionFactory, ProcessorFactory, ReceiverFactory } from './component.ts';

export interface Registry {
  receivers: ReadonlyMap<string, ReceiverFactory>;
  processors: ReadonlyMap<string, ProcessorFactory>;
  exporters: ReadonlyMap<string, ExporterFactory>;
  extensions: ReadonlyMap<string, ExtensionFactory>;
}

function byType<F extends { type: string }>(factories: F[]): ReadonlyMap<string, F> {
  return new Map(factories.map((factory) => [factory.type, factory]));
}

export const registry: Registry = {
  receivers: byType<ReceiverFactory>([foldersReceiverFactory as ReceiverFactory, restReceiverFactory as ReceiverFactory, eventsReceiverFactory as ReceiverFactory]),
  processors: byType<ProcessorFactory>([
    memoryLimiterProcessorFactory as ProcessorFactory,
    batchProcessorFactory as ProcessorFactory,
    resourceProcessorFactory as ProcessorFactory,
    filterProcessorFactory as ProcessorFactory,
  ]),
  exporters: byType<ExporterFactory>([
    otlpHttpExporterFactory as ExporterFactory,
    prometheusExporterFactory as ExporterFactory,
    debugExporterFactory as ExporterFactory,
    datadogExporterFactory as ExporterFactory,
    newrelicExporterFactory as ExporterFactory,
    grafanaCloudExporterFactory as ExporterFactory,
  ]),
  extensions: byType<ExtensionFactory>([
    healthCheckExtensionFactory as ExtensionFactory,
    leaderElectionExtensionFactory as ExtensionFactory,
    statusPageExtensionFactory as ExtensionFactory,
    backboneLayoutExtensionFactory as ExtensionFactory,
  ]),
};
