import * as z from 'zod';
import { durationIn } from '../../config/schema-types.ts';

export const debugConfigSchema = z.strictObject({
  /** basic: a short summary per export; detailed: every data point and log record. */
  verbosity: z.enum(['basic', 'detailed']).default('basic'),
  export_interval: durationIn(30_000, { min: 100, max: 24 * 3_600_000 }),
});

export type DebugConfig = z.infer<typeof debugConfigSchema>;
