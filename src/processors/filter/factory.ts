// filter: drops metrics by name and log records by event name or severity. Names may use
// * and ? as wildcards. A metric that is filtered out is never recorded in this pipeline
// (its instruments are no-ops there); log records are dropped as they pass.
import { SeverityNumber } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import * as z from 'zod';
import type { ProcessorFactory } from '../../component/component.ts';
import { filteredMeter } from '../meter-wrappers.ts';

const names = z.array(z.string().min(1)).default([]);
const SEVERITIES = { TRACE: SeverityNumber.TRACE, DEBUG: SeverityNumber.DEBUG, INFO: SeverityNumber.INFO, WARN: SeverityNumber.WARN, ERROR: SeverityNumber.ERROR, FATAL: SeverityNumber.FATAL } as const;

export const filterConfigSchema = z.strictObject({
  metrics: z.strictObject({
    /** Metrics to drop, by name. */
    exclude: names,
    /** When not empty: only these metrics are kept (then `exclude` applies). */
    include: names,
  }).prefault({}),
  logs: z.strictObject({
    /** Log records to drop, by event name (`event.name`). */
    exclude: names,
    /** When not empty: only records with these event names are kept. */
    include: names,
    /** Records below this severity are dropped. */
    min_severity: z.enum(Object.keys(SEVERITIES) as [keyof typeof SEVERITIES, ...(keyof typeof SEVERITIES)[]]).optional(),
  }).prefault({}),
});

export type FilterConfig = z.infer<typeof filterConfigSchema>;

export function globMatcher(patterns: readonly string[]): (name: string) => boolean {
  const regexes = patterns.map((pattern) =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return (name) => regexes.some((regex) => regex.test(name));
}

function keeper(include: readonly string[], exclude: readonly string[]): (name: string) => boolean {
  const included = globMatcher(include);
  const excluded = globMatcher(exclude);
  return (name) => (include.length === 0 || included(name)) && !excluded(name);
}

class FilterStage implements LogRecordProcessor {
  private readonly next: LogRecordProcessor;
  private readonly keep: (record: ReadWriteLogRecord) => boolean;
  constructor(config: FilterConfig['logs'], next: LogRecordProcessor) {
    this.next = next;
    const keepName = keeper(config.include, config.exclude);
    const min = config.min_severity === undefined ? undefined : SEVERITIES[config.min_severity];
    this.keep = (record) => {
      const name = record.eventName ?? String(record.attributes['event.name'] ?? '');
      if ((config.include.length > 0 || config.exclude.length > 0) && !keepName(name)) return false;
      return min === undefined || record.severityNumber === undefined || record.severityNumber >= min;
    };
  }
  onEmit(record: ReadWriteLogRecord): void {
    if (this.keep(record)) this.next.onEmit(record);
  }
  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

export const filterProcessorFactory: ProcessorFactory<FilterConfig> = {
  kind: 'processor',
  type: 'filter',
  stability: 'beta',
  description: 'Drops metrics by name, and log records by event name or below a severity (* and ? wildcards).',
  signals: ['metrics', 'logs'],
  configSchema: filterConfigSchema,
  createProcessor: ({ config, signal }) => (signal === 'metrics'
    ? { meter: (meter) => filteredMeter(meter, keeper(config.metrics.include, config.metrics.exclude)) }
    : { logs: (next) => new FilterStage(config.logs, next) }),
};
