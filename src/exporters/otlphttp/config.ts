import * as z from 'zod';
import { durationIn, EXPORT_INTERVAL_RETIRED, httpUrl, retiredKey, stringMap } from '../../config/schema-types.ts';
import { deliveryFields } from '../delivery/config.ts';

export const otlpHttpShape = {
  /** Base URL; /v1/metrics and /v1/logs are appended. */
  endpoint: httpUrl.optional(),
  metrics_endpoint: httpUrl.optional(),
  logs_endpoint: httpUrl.optional(),
  encoding: z.enum(['protobuf', 'json']).default('protobuf'),
  compression: z.enum(['gzip', 'none']).default('gzip'),
  headers: stringMap,
  /** How long one request may take before it counts as failed (and is retried). */
  timeout: durationIn(10_000, { min: 100, max: 600_000 }),
  temporality: z.enum(['cumulative', 'delta']).default('cumulative'),
  /**
   * How histograms (the dwell time, request durations) are sent: `explicit`, with the buckets
   * the receiver declares (dwell_time.boundaries); `exponential`, base-2 exponential buckets
   * that adapt to the values (one series per histogram in backends that store them natively:
   * Datadog distributions, New Relic). Prometheus-style stores want `explicit`.
   */
  histogram: z.enum(['explicit', 'exponential']).default('explicit'),
  export_interval: retiredKey(EXPORT_INTERVAL_RETIRED),
  tls: z.strictObject({
    ca_file: z.string().default(''),
    insecure_skip_verify: z.boolean().default(false),
  }).prefault({}),
  ...deliveryFields,
};

export const otlpHttpConfigSchema = z.strictObject(otlpHttpShape).superRefine((config, ctx) => {
  if (config.endpoint === undefined && (config.metrics_endpoint === undefined || config.logs_endpoint === undefined)) {
    ctx.addIssue({
      code: 'custom', path: ['endpoint'],
      message: 'expected an endpoint URL such as http://127.0.0.1:4318 (or both metrics_endpoint and logs_endpoint)',
    });
  }
});

export type OtlpHttpConfig = z.infer<typeof otlpHttpConfigSchema>;

/** `<endpoint>/v1/<signal>` unless a signal's own endpoint is set, as the Collector does. */
export function signalUrl(config: OtlpHttpConfig, signal: 'metrics' | 'logs'): string {
  const own = signal === 'metrics' ? config.metrics_endpoint : config.logs_endpoint;
  if (own !== undefined) return own;
  return `${(config.endpoint ?? '').replace(/\/+$/, '')}/v1/${signal}`;
}
