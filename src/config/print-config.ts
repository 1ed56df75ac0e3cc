// The configuration as the agent will run it: environment expanded, defaults filled in,
// durations written as durations, and every secret-looking value redacted.
import * as z from 'zod';
import { stringify } from 'yaml';
import type { AnyFactory } from '../component/component.ts';
import type { AgentConfig, ComponentEntry } from './load-config.ts';
import { isSecretKey } from './secret-keys.ts';
import { serviceSchema } from './service-schema.ts';

export const REDACTED = '[REDACTED]';

/** Values under secret-looking keys, and every header value, become [REDACTED]. */
export function redact(value: unknown, key = '', underHeaders = false): unknown {
  if (Array.isArray(value)) return value.map((item) => redact(item, key, underHeaders));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [childKey, child] of Object.entries(value)) {
      out[childKey] = redact(child, childKey, underHeaders || /^headers$/i.test(childKey));
    }
    return out;
  }
  if (isSecretKey(key, underHeaders) && value !== '' && value !== undefined && value !== null) return REDACTED;
  return value;
}

function encodeSection(entries: Map<string, ComponentEntry<AnyFactory>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [id, entry] of entries) {
    const encoded = z.encode(entry.factory.configSchema as z.ZodType, entry.config as never) as Record<string, unknown>;
    // A receiver's layout: stays a name, without the extension's keys copied in, so that the output loads again.
    for (const key of entry.fromElsewhere ?? []) delete encoded[key];
    out[id] = encoded;
  }
  return out;
}

export function resolvedConfig(config: AgentConfig): Record<string, unknown> {
  const sections: Record<string, unknown> = {
    receivers: encodeSection(config.receivers),
    processors: encodeSection(config.processors),
    exporters: encodeSection(config.exporters),
    extensions: encodeSection(config.extensions),
    service: z.encode(serviceSchema, config.service),
  };
  return redact(sections) as Record<string, unknown>;
}

export function printConfig(config: AgentConfig): string {
  return stringify(resolvedConfig(config), { lineWidth: 0 });
}
