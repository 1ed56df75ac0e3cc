import * as z from 'zod';
import { EXPORT_INTERVAL_RETIRED, retiredKey } from '../../config/schema-types.ts';

export const debugConfigSchema = z.strictObject({
  /** basic: a short summary per export; detailed: every data point and log record. */
  verbosity: z.enum(['basic', 'detailed']).default('basic'),
  export_interval: retiredKey(EXPORT_INTERVAL_RETIRED),
});

export type DebugConfig = z.infer<typeof debugConfigSchema>;
