// The resource every signal carries: service.*, host.name, what the configuration adds,
// and OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME as the OpenTelemetry SDKs read them.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { AGENT_NAME, AGENT_VERSION } from '../version.ts';

export function parseResourceAttributesEnv(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    try {
      out[decodeURIComponent(part.slice(0, eq).trim())] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      // A malformed percent-encoding: skip that pair, as the SDKs do.
    }
  }
  return out;
}

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
