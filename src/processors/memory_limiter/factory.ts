// memory_limiter: checks the agent's resident memory every check_interval; while it is
// above limit_mib - spike_limit_mib, the pipelines this processor is in refuse data where
// receivers hand it in (counted as otelcol_receiver_refused_* and
// otelcol_processor_refused_*), rather than the process growing until it is OOM-killed.
// Wherever it is listed, it acts at the entry of the pipeline, as the Collector advises.
import * as z from 'zod';
import type { ProcessorFactory } from '../../component/component.ts';
import { type Answer, type LogsConsumer, type MetricsConsumer, refused } from '../../component/consumer.ts';
import { durationIn } from '../../config/schema-types.ts';

export const memoryLimiterConfigSchema = z.strictObject({
  check_interval: durationIn(1_000, { min: 10, max: 60_000 }),
  /** Resident memory (MiB) the agent should stay under. */
  limit_mib: z.int({ error: 'expected a memory limit in MiB, for example 256' }).positive(),
  /** Headroom below limit_mib where refusing starts; default 20% of limit_mib. */
  spike_limit_mib: z.int().min(0).optional(),
}).superRefine((config, ctx) => {
  if (config.spike_limit_mib !== undefined && config.spike_limit_mib >= config.limit_mib) {
    ctx.addIssue({ code: 'custom', path: ['spike_limit_mib'], message: 'expected less than limit_mib' });
  }
});

export type MemoryLimiterConfig = z.infer<typeof memoryLimiterConfigSchema>;

export const memoryLimiterProcessorFactory: ProcessorFactory<MemoryLimiterConfig> = {
  kind: 'processor',
  type: 'memory_limiter',
  stability: 'beta',
  description: 'Refuses data while the agent\'s resident memory is above a limit (MiB), instead of being OOM-killed.',
  signals: ['metrics', 'logs'],
  configSchema: memoryLimiterConfigSchema,
  createProcessor: ({ id, config, log }) => {
    const spike = config.spike_limit_mib ?? Math.floor(config.limit_mib / 5);
    const threshold = (config.limit_mib - spike) * 1024 * 1024;
    let refusing = false;
    let timer: NodeJS.Timeout | undefined;
    const check = () => {
      const rss = process.memoryUsage.rss();
      const mib = Math.round(rss / 1024 / 1024);
      if (rss >= threshold && !refusing) {
        refusing = true;
        log.problem('memory', 'warn', `memory ${mib} MiB is above ${config.limit_mib - spike} MiB (limit_mib ${config.limit_mib} - spike_limit_mib ${spike}): refusing data until it drops`);
      } else if (rss < threshold && refusing) {
        refusing = false;
        log.resolved('memory', `memory ${mib} MiB is below the limit again: accepting data`);
      }
    };
    // An ordinary stage, as the Collector's memorylimiterprocessor: it refuses (ErrDataRefused
    // there) and the receiver decides what to do with the refused batch; nothing polls a flag.
    const refusal = (): Answer => refused('memory_limit', id, `memory is above ${config.limit_mib - spike} MiB (memory_limiter ${id})`);
    return {
      metrics: (next: MetricsConsumer): MetricsConsumer => ({
        consumeMetrics: async (batch) => (refusing ? refusal() : next.consumeMetrics(batch)),
        flush: () => next.flush(),
      }),
      logs: (next: LogsConsumer): LogsConsumer => ({
        consumeLogs: async (batch) => (refusing ? refusal() : next.consumeLogs(batch)),
        flush: () => next.flush(),
      }),
      async start() {
        check();
        timer = setInterval(check, config.check_interval);
        timer.unref();
      },
      async shutdown() {
        clearInterval(timer);
      },
    };
  },
};
