import * as z from 'zod';
import { positiveDuration } from '../../config/schema-types.ts';

export const debugConfigSchema = z.strictObject({
  /** basic: a short summary per export; detailed: every data point and log record. */
  verbosity: z.enum(['basic', 'detailed']).default('basic'),
  export_interval: positiveDuration(30_000),
});

export type DebugConfig = z.infer<typeof debugConfigSchema>;
