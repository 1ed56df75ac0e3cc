// The delivery settings every push exporter shares, named as the Collector's exporter helper
// names them: `retry_on_failure`, `sending_queue`, plus `storage` (a folder that makes the
// queue survive restarts and `kill -9`) and `max_request_size` (requests are split below it).
import * as z from 'zod';
import { durationIn } from '../../config/schema-types.ts';

const BYTE_UNITS: Record<string, number> = {
  B: 1, KB: 1000, MB: 1000 ** 2, GB: 1000 ** 3, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3,
};
const BYTE_SIZE = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?\s*$/;

/** Bytes from "500KB", "1MiB", "1000000" or a plain number; undefined when it is not one. */
export function parseByteSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  const match = BYTE_SIZE.exec(value);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (BYTE_UNITS[match[2] ?? 'B'] ?? 1));
}

export function formatByteSize(bytes: number): string {
  for (const unit of ['GiB', 'MiB', 'KiB', 'GB', 'MB', 'KB'] as const) {
    const size = BYTE_UNITS[unit]!;
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return `${bytes}B`;
}

/** "500KB", "64MiB" or a number of bytes in YAML; bytes in code; print-config writes "500KB". */
export const byteSize = z.codec(
  z.union([z.string(), z.number()], { error: 'expected a size such as 500KB, 1MB or 64MiB' }),
  z.number(),
  {
    decode: (value, ctx) => {
      const bytes = parseByteSize(value);
      if (bytes === undefined) {
        ctx.issues.push({ code: 'custom', input: value, message: `expected a size such as 500KB, 1MB or 64MiB, found ${JSON.stringify(value)}` });
        return z.NEVER;
      }
      return bytes;
    },
    encode: (bytes) => formatByteSize(bytes),
  },
);

export const retrySchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Wait after the first failure; each further wait is `multiplier` times longer, up to max_interval. */
  initial_interval: durationIn(5_000, { min: 10, max: 3_600_000 }),
  randomization_factor: z.number().min(0).max(1).default(0.5),
  multiplier: z.number().min(1).default(1.5),
  max_interval: durationIn(30_000, { min: 10, max: 24 * 3_600_000 }),
  /**
   * How long one request is retried before it is given up (0s: until it is sent). Applies to
   * the in-memory queue only: with `storage`, a request stays on disk until it is sent or the
   * disk bound pushes it out.
   */
  max_elapsed_time: durationIn(300_000, { min: 0, max: 7 * 24 * 3_600_000 }),
}).prefault({});

export const sendingQueueSchema = z.strictObject({
  /** Log records and metric points held at most; beyond it the oldest requests are dropped (and counted). */
  queue_size: z.int().positive().default(1_000_000),
  /** Bytes (compressed as they will be sent) held at most, in memory or on disk. */
  max_size: byteSize.refine((bytes) => bytes > 0, 'expected a size above zero').default(128 * 1024 * 1024),
  /**
   * What the exporter is handed is gathered into one request, as the Collector's exporter
   * helper does with sending_queue.batch: for flush_timeout after the first item (0s: each
   * batch is sent as it comes), or until min_size items wait. Not used in a pipeline that lists
   * a `batch` processor: a pipeline batches once.
   */
  batch: z.strictObject({
    flush_timeout: durationIn(200, { min: 0, max: 60_000 }),
    min_size: z.int().positive().default(2048),
  }).prefault({}),
}).prefault({});

export type RetrySettings = z.infer<typeof retrySchema>;
export type SendingQueueSettings = z.infer<typeof sendingQueueSchema>;

/** The fields every push exporter adds to its schema. */
export const deliveryFields = {
  retry_on_failure: retrySchema,
  sending_queue: sendingQueueSchema,
  /** A folder for a disk-backed queue: what is not yet sent survives an outage, a restart and kill -9. */
  storage: z.string().min(1, 'expected a folder for the disk queue').optional(),
  /** Requests are split so that none is larger than this before compression. */
  max_request_size: byteSize.refine((bytes) => bytes >= 1024, 'expected at least 1KiB').default(4 * 1024 * 1024),
};

export interface DeliverySettings {
  retry_on_failure: RetrySettings;
  sending_queue: SendingQueueSettings;
  storage?: string | undefined;
  max_request_size: number;
}
