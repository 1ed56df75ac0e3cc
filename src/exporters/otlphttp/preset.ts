// Backend presets (datadog, newrelic, grafana_cloud) are otlphttp with the endpoints,
// headers, temporality and size limit a backend needs, filled in from a few keys of its own.
// The schema decodes the preset's keys into an otlphttp configuration, so that everything
// after loading (print-config, the exporter itself) sees plain otlphttp: print-config shows
// the preset expanded, with its secrets redacted.
import * as z from 'zod';
import type { ExporterFactory } from '../../component/component.ts';
import { EXPORT_INTERVAL_RETIRED, retiredKey } from '../../config/schema-types.ts';
import { type OtlpHttpConfig, otlpHttpConfigSchema, otlpHttpShape } from './config.ts';
import { createOtlpLogsExporter, createOtlpMetricsExporter } from './exporter.ts';

/** otlphttp keys a preset passes through as written; the rest the preset decides. */
export const PASS_THROUGH = [
  'compression', 'headers', 'timeout', 'histogram', 'tls', 'retry_on_failure', 'sending_queue', 'storage', 'max_request_size',
] as const;

type Expanded = Record<string, unknown>;

/**
 * A preset's config schema: its own keys (validated strictly, with the pass-through keys),
 * decoded into otlphttp's input and validated again as otlphttp.
 */
export function presetSchema<Shape extends z.ZodRawShape>(
  own: Shape,
  expand: (preset: z.infer<z.ZodObject<Shape>>) => Expanded,
): z.ZodType<OtlpHttpConfig, unknown> {
  const passThrough = Object.fromEntries(PASS_THROUGH.map((key) => [key, z.unknown().optional()]));
  const strict = z.strictObject({ ...own, ...passThrough, export_interval: retiredKey(EXPORT_INTERVAL_RETIRED) });
  // Loose on the outside only so that print-config can encode the expanded form back
  // through it; decode checks every key strictly. Its shape also names the known keys for
  // "did you mean" hints.
  const outside = z.looseObject(Object.fromEntries([...Object.keys(own), ...PASS_THROUGH].map((key) => [key, z.unknown().optional()])));
  return z.codec(outside, otlpHttpConfigSchema, {
    decode: (input, ctx) => {
      const parsed = strict.safeParse(input, { reportInput: true });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.issues.push({ ...issue, input: (issue as { input?: unknown }).input } as never);
        return z.NEVER;
      }
      const given = parsed.data as Record<string, unknown>;
      const base = expand(parsed.data as z.infer<z.ZodObject<Shape>>);
      const out: Expanded = { ...base };
      for (const key of PASS_THROUGH) {
        if (given[key] === undefined) continue;
        out[key] = key === 'headers' ? { ...(given.headers as Record<string, string>), ...(base.headers as Record<string, string> | undefined) } : given[key];
      }
      // In otlphttp's order, so that print-config reads like an otlphttp section.
      const ordered = Object.fromEntries(Object.keys(otlpHttpShape).filter((key) => out[key] !== undefined).map((key) => [key, out[key]]));
      return ordered as z.input<typeof otlpHttpConfigSchema>;
    },
    encode: (expanded) => expanded as never,
  }) as unknown as z.ZodType<OtlpHttpConfig, unknown>;
}

export function presetFactory(type: string, description: string, configSchema: z.ZodType<OtlpHttpConfig, unknown>): ExporterFactory<OtlpHttpConfig> {
  return {
    kind: 'exporter', type, stability: 'beta', description, signals: ['metrics', 'logs'], configSchema,
    createMetricsExporter: createOtlpMetricsExporter,
    createLogsExporter: createOtlpLogsExporter,
  };
}
