// The configuration as the agent will run it: environment expanded, defaults filled in,
// durations written as durations, and every secret-looking value redacted, as is every value
// read from a file (${file:PATH}) or from an environment file (--env-file).
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
  const redacted = redact(sections) as Record<string, unknown>;
  for (const path of config.secretPaths ?? []) redactAt(redacted, path);
  return redacted;
}

/** A value read from a file or an environment file becomes [REDACTED], whatever its key. */
function redactAt(root: Record<string, unknown>, path: readonly (string | number)[]): void {
  let holder: unknown = root;
  for (const part of path.slice(0, -1)) {
    if (holder === null || typeof holder !== 'object') return;
    holder = (holder as Record<string | number, unknown>)[part];
  }
  const last = path[path.length - 1];
  if (last === undefined || holder === null || typeof holder !== 'object') return;
  const value = (holder as Record<string | number, unknown>)[last];
  if (value !== undefined && value !== null && value !== '') (holder as Record<string | number, unknown>)[last] = REDACTED;
}

export function printConfig(config: AgentConfig): string {
  return stringify(resolvedConfig(config), { lineWidth: 0 });
}
