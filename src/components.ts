// Every component the agent is built from, as the Collector's components.go: the one file that
// imports every factory and every telemetry declaration. Everything below it (the service, the
// configuration loader, the docs generators) knows components through the interfaces of
// src/component/ only. A new component adds its factory (and its telemetry) here.
import { datadogExporterFactory } from './exporters/datadog/factory.ts';
import { debugExporterFactory } from './exporters/debug/factory.ts';
import { grafanaCloudExporterFactory } from './exporters/grafana_cloud/factory.ts';
import { newrelicExporterFactory } from './exporters/newrelic/factory.ts';
import { otlpHttpExporterFactory } from './exporters/otlphttp/factory.ts';
import { prometheusExporterFactory } from './exporters/prometheus/factory.ts';
import { backboneLayoutExtensionFactory } from './extensions/backbone_layout/factory.ts';
import { healthCheckExtensionFactory } from './extensions/health_check/factory.ts';
import { leaderElectionExtensionFactory } from './extensions/leader_election/factory.ts';
import { statusPageExtensionFactory } from './extensions/status_page/factory.ts';
import { batchProcessorFactory } from './processors/batch/factory.ts';
import { filterProcessorFactory } from './processors/filter/factory.ts';
import { memoryLimiterProcessorFactory } from './processors/memory_limiter/factory.ts';
import { resourceProcessorFactory } from './processors/resource/factory.ts';
import { eventsReceiverFactory } from './receivers/backbone_events/factory.ts';
import { foldersReceiverFactory } from './receivers/backbone_folders/factory.ts';
import { restReceiverFactory } from './receivers/backbone_rest/factory.ts';
import type { ExporterFactory, ExtensionFactory, ProcessorFactory, ReceiverFactory, Registry } from './component/component.ts';
import { leaderElectionTelemetry } from './extensions/leader_election/telemetry.ts';
import { selfTelemetry } from './pipeline/self-telemetry.ts';
import { eventsTelemetry } from './receivers/backbone_events/telemetry.ts';
import { folderTelemetry } from './receivers/backbone_folders/telemetry.ts';
import { restTelemetry } from './receivers/backbone_rest/telemetry.ts';
import type { ComponentTelemetry } from './telemetry/declaration.ts';

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

/** Every component's telemetry declaration, in the order the docs list them. */
export const TELEMETRY: readonly ComponentTelemetry[] = [restTelemetry, folderTelemetry, eventsTelemetry, leaderElectionTelemetry, selfTelemetry];

export type { Registry };
