// resource: changes the resource attributes of everything a pipeline sends: insert (only
// where absent), update (only where present), upsert, delete; and key=value pairs in the
// format of OTEL_RESOURCE_ATTRIBUTES (write "${env:OTEL_RESOURCE_ATTRIBUTES}" to take that
// variable, or any other, into one pipeline). Applied to every batch that passes.
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import * as z from 'zod';
import type { ProcessorFactory } from '../../component/component.ts';
import { parseResourceAttributesEnv } from '../../config/resource-attributes-env.ts';
import { resourceLogsStage, resourceMetricsStage } from './stage.ts';

const action = z.strictObject({
  key: z.string().min(1, 'expected an attribute name such as deployment.environment'),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  action: z.enum(['insert', 'update', 'upsert', 'delete']).default('upsert'),
}).superRefine((entry, ctx) => {
  if (entry.action !== 'delete' && entry.value === undefined) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: `missing: ${entry.action} needs a value` });
  }
});

export const resourceConfigSchema = z.strictObject({
  /** key=value,key=value as in OTEL_RESOURCE_ATTRIBUTES (percent-encoded values); upserted before `attributes`. */
  otel_resource_attributes: z.string().default(''),
  attributes: z.array(action).default([]),
});

export type ResourceConfig = z.infer<typeof resourceConfigSchema>;

export function applyResourceActions(resource: Resource, config: ResourceConfig): Resource {
  const attributes: Record<string, unknown> = { ...resource.attributes, ...parseResourceAttributesEnv(config.otel_resource_attributes) };
  for (const entry of config.attributes) {
    const present = entry.key in attributes;
    if (entry.action === 'delete') delete attributes[entry.key];
    else if (entry.action === 'upsert' || (entry.action === 'insert' && !present) || (entry.action === 'update' && present)) {
      attributes[entry.key] = entry.value;
    }
  }
  return resourceFromAttributes(attributes as Record<string, string | number | boolean>);
}

export const resourceProcessorFactory: ProcessorFactory<ResourceConfig> = {
  kind: 'processor',
  type: 'resource',
  stability: 'beta',
  description: 'Adds, overrides or deletes resource attributes (also from OTEL_RESOURCE_ATTRIBUTES-style text).',
  signals: ['metrics', 'logs'],
  configSchema: resourceConfigSchema,
  createProcessor: ({ config }) => {
    const change = (resource: Resource) => applyResourceActions(resource, config);
    return { metrics: (next) => resourceMetricsStage(next, change), logs: (next) => resourceLogsStage(next, change) };
  },
};
