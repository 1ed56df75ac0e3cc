// grafana_cloud: otlphttp to a Grafana Cloud stack's OTLP gateway, from the `endpoint`,
// `instance_id` and `token` its OpenTelemetry card shows, as Grafana documents it (see
// docs/backends.md): the endpoint ends in /otlp (the exporter appends /v1/metrics and
// /v1/logs), basic auth with the instance id as user and the token as password,
// protobuf, cumulative temporality (metrics are stored in Mimir, a Prometheus store).
import * as z from 'zod';
import { httpUrl } from '../../config/schema-types.ts';
import { presetFactory, presetSchema } from '../otlphttp/preset.ts';

export const grafanaCloudConfigSchema = presetSchema({
  endpoint: httpUrl
    .refine((url) => url.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url), 'expected the https:// OTLP endpoint of the stack')
    .refine((url) => !/\/v1\/(metrics|logs|traces)\/?$/.test(url), 'expected the base OTLP endpoint ending in /otlp, without /v1/...'),
  instance_id: z.union([z.string().regex(/^\d+$/, 'expected the numeric instance ID'), z.int().positive()], {
    error: 'expected the numeric instance ID from the stack\'s OpenTelemetry card',
  }),
  token: z.string({ error: 'expected a Grafana Cloud access policy token, for example ${env:GRAFANA_CLOUD_TOKEN}' })
    .min(1, 'expected a Grafana Cloud access policy token, found an empty value'),
}, (preset) => ({
  endpoint: preset.endpoint.replace(/\/+$/, ''),
  encoding: 'protobuf',
  compression: 'gzip',
  temporality: 'cumulative',
  histogram: 'explicit',
  headers: { authorization: `Basic ${Buffer.from(`${preset.instance_id}:${preset.token}`).toString('base64')}` },
}));

export const grafanaCloudExporterFactory = presetFactory('grafana_cloud',
  'Sends metrics (cumulative) and logs to a Grafana Cloud stack\'s OTLP gateway: otlphttp preset from endpoint, instance_id and token.',
  grafanaCloudConfigSchema);
