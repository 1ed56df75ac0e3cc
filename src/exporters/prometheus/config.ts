import * as z from 'zod';
import { durationIn, hostPort } from '../../config/schema-types.ts';

export const prometheusConfigSchema = z.strictObject({
  /** Where /metrics is served; keep it on loopback unless a scraper elsewhere needs it. */
  endpoint: hostPort.default('127.0.0.1:9464'),
  /** Adds otel_scope_name/version labels to every series. */
  with_scope_info: z.boolean().default(false),
  /** A series no batch has carried for this long is no longer served (a removed folder), as in the Collector. */
  metric_expiration: durationIn(300_000, { min: 1_000, max: 24 * 3_600_000 }),
});

export type PrometheusConfig = z.infer<typeof prometheusConfigSchema>;

