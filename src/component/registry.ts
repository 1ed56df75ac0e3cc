// Every component type the agent knows, by kind. A new component adds its factory here.
import { debugExporterFactory } from '../exporters/debug/factory.ts';
import { otlpHttpExporterFactory } from '../exporters/otlphttp/factory.ts';
import { prometheusExporterFactory } from '../exporters/prometheus/factory.ts';
import { foldersReceiverFactory } from '../receivers/backbone_folders/factory.ts';
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
  receivers: byType<ReceiverFactory>([foldersReceiverFactory as ReceiverFactory]),
  processors: byType<ProcessorFactory>([]),
  exporters: byType<ExporterFactory>([
    otlpHttpExporterFactory as ExporterFactory,
    prometheusExporterFactory as ExporterFactory,
    debugExporterFactory as ExporterFactory,
  ]),
  extensions: byType<ExtensionFactory>([]),
};
