// The resource every signal carries: service.*, host.name, what the configuration adds,
// and OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME as the OpenTelemetry SDKs read them.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { parseResourceAttributesEnv } from '../config/resource-attributes-env.ts';
import { AGENT_NAME, AGENT_VERSION } from '../version.ts';


export function buildResource(configured: Record<string, string>, env: Record<string, string | undefined> = process.env): Resource {
  return resourceFromAttributes({
    'service.name': AGENT_NAME,
    'service.version': AGENT_VERSION,
    'service.instance.id': randomUUID(),
    'host.name': hostname(),
    ...parseResourceAttributesEnv(env.OTEL_RESOURCE_ATTRIBUTES),
    ...(env.OTEL_SERVICE_NAME ? { 'service.name': env.OTEL_SERVICE_NAME } : {}),
    ...configured,
  });
}
