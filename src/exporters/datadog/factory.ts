// datadog: otlphttp to Datadog's OTLP intake, from `site` and `api_key`. Endpoints, header,
// temporality and size limit as Datadog documents them (see docs/backends.md for sources):
// https://otlp.<site>/v1/metrics and /v1/logs, header dd-api-key, delta metrics only,
// 500 KB per uncompressed metrics payload.
import * as z from 'zod';
import { httpUrl } from '../../config/schema-types.ts';
import { presetFactory, presetSchema } from '../otlphttp/preset.ts';

const base = (preset: { site: string; endpoint?: string | undefined }) => (preset.endpoint ?? `https://otlp.${preset.site}`).replace(/\/+$/, '');

/** Sites with an OTLP intake (Datadog's region list; US1-FED has none). */
export const DATADOG_SITES = ['datadoghq.com', 'us3.datadoghq.com', 'us5.datadoghq.com', 'datadoghq.eu', 'ap1.datadoghq.com', 'ap2.datadoghq.com'] as const;

export const datadogConfigSchema = presetSchema({
  /** The Datadog site of the organization, as in DD_SITE. */
  site: z.enum(DATADOG_SITES).default('datadoghq.com'),
  api_key: z.string({ error: 'expected a Datadog API key, for example ${env:DD_API_KEY}' }).min(1, 'expected a Datadog API key, found an empty value'),
  /** Instead of https://otlp.<site>: a relay or proxy that forwards to the intake (/v1/metrics and /v1/logs are appended). */
  endpoint: httpUrl.optional(),
  /** Sent as dd-otel-metric-config: turns every resource attribute into a metric tag. */
  resource_attributes_as_tags: z.boolean().default(false),
}, (preset) => ({
  metrics_endpoint: `${base(preset)}/v1/metrics`,
  logs_endpoint: `${base(preset)}/v1/logs`,
  encoding: 'protobuf',
  compression: 'gzip',
  temporality: 'delta',
  histogram: 'exponential',
  max_request_size: '500KB',
  headers: {
    'dd-api-key': preset.api_key,
    ...(preset.resource_attributes_as_tags ? { 'dd-otel-metric-config': '{"resource_attributes_as_tags": true}' } : {}),
  },
}));

export const datadogExporterFactory = presetFactory('datadog',
  'Sends metrics (delta) and logs to Datadog\'s OTLP intake: otlphttp preset from site and api_key.', datadogConfigSchema);
