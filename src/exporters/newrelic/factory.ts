// newrelic: otlphttp to New Relic's OTLP endpoint, from `region` and `license_key`, as New
// Relic documents it (see docs/backends.md): https://otlp.nr-data.net (US) or
// https://otlp.eu01.nr-data.net (EU), header api-key, delta temporality recommended,
// payloads under 1 MB (10^6 bytes).
import * as z from 'zod';
import { httpUrl } from '../../config/schema-types.ts';
import { presetFactory, presetSchema } from '../otlphttp/preset.ts';

export const NEWRELIC_ENDPOINTS = { US: 'https://otlp.nr-data.net', EU: 'https://otlp.eu01.nr-data.net' } as const;

export const newrelicConfigSchema = presetSchema({
  region: z.enum(['US', 'EU']).default('US'),
  /** Instead of the region's endpoint: a relay or proxy, or New Relic's FedRAMP endpoint https://gov-otlp.nr-data.net. */
  endpoint: httpUrl.optional(),
  license_key: z.string({ error: 'expected a New Relic license key, for example ${env:NEW_RELIC_LICENSE_KEY}' })
    .min(1, 'expected a New Relic license key, found an empty value'),
}, (preset) => ({
  endpoint: (preset.endpoint ?? NEWRELIC_ENDPOINTS[preset.region]).replace(/\/+$/, ''),
  encoding: 'protobuf',
  compression: 'gzip',
  temporality: 'delta',
  histogram: 'exponential',
  max_request_size: '1MB',
  headers: { 'api-key': preset.license_key },
}));

export const newrelicExporterFactory = presetFactory('newrelic',
  'Sends metrics (delta) and logs to New Relic\'s OTLP endpoint: otlphttp preset from region and license_key.', newrelicConfigSchema);
