// filter: drops metrics, data points and log records that match OTTL conditions, as the
// OpenTelemetry Collector's filter processor does (metrics.metric, metrics.datapoint,
// logs.log_record), or, as before, metrics by name and log records by event name or severity
// (include/exclude with * and ? wildcards, min_severity), on every batch that passes.
import { SeverityNumber } from '@opentelemetry/api';
import * as z from 'zod';
import type { ProcessorFactory } from '../../component/component.ts';
import type { LogsConsumer } from '../../component/consumer.ts';
import { conditionStage, keepStage } from './log-conditions.ts';
import { metricsFilterStage } from './metric-conditions.ts';
import { re2 } from './re2.ts';
import { anyCondition, checkConditions } from './ottl/conditions.ts';
import { dataPointContext, logRecordContext, metricContext } from './ottl/contexts.ts';
import type { OttlContext } from './ottl/evaluate.ts';

const names = z.array(z.string().min(1)).default([]);
const SEVERITIES = { TRACE: SeverityNumber.TRACE, DEBUG: SeverityNumber.DEBUG, INFO: SeverityNumber.INFO, WARN: SeverityNumber.WARN, ERROR: SeverityNumber.ERROR, FATAL: SeverityNumber.FATAL } as const;

const conditions = z.array(z.string()).default([]);

export const filterConfigSchema = z.strictObject({
  /** As in the Collector; the conditions this agent supports cannot fail while evaluated, so the three modes behave alike. */
  error_mode: z.enum(['ignore', 'silent', 'propagate']).default('propagate'),
  metrics: z.strictObject({
    /** OTTL conditions on a metric (`name`, `description`, `unit`, `type`, `resource.attributes["…"]`): a metric that matches any is dropped whole. */
    metric: conditions,
    /** OTTL conditions on a data point (`attributes["…"]`, `metric.name`, `resource.attributes["…"]`): a point that matches any is dropped. */
    datapoint: conditions,
    /** Metrics to drop, by name (not together with `metric`/`datapoint`). */
    exclude: names,
    /** When not empty: only these metrics are kept (then `exclude` applies). */
    include: names,
  }).prefault({}),
  logs: z.strictObject({
    /** OTTL conditions on a log record (`attributes["…"]`, `body`, `severity_number`, `severity_text`, `event_name`, `resource.attributes["…"]`): a record that matches any is dropped. */
    log_record: conditions,
    /** Log records to drop, by event name (`event.name`; not together with `log_record`). */
    exclude: names,
    /** When not empty: only records with these event names are kept. */
    include: names,
    /** Records below this severity are dropped. */
    min_severity: z.enum(Object.keys(SEVERITIES) as [keyof typeof SEVERITIES, ...(keyof typeof SEVERITIES)[]]).optional(),
  }).prefault({}),
}).superRefine((config, ctx) => {
  const check = <T>(signal: 'metrics' | 'logs', key: string, list: readonly string[], context: OttlContext<T>) => {
    for (const problem of checkConditions(list, context)) {
      // `offset` lets the config loader point at the column inside the condition.
      ctx.addIssue({ code: 'custom', path: [signal, key, problem.index], message: problem.message, params: { offset: problem.offset } });
    }
  };
  check('metrics', 'metric', config.metrics.metric, metricContext);
  check('metrics', 'datapoint', config.metrics.datapoint, dataPointContext);
  check('logs', 'log_record', config.logs.log_record, logRecordContext);
  // As the Collector: one way or the other per signal, so that what is dropped stays readable.
  const mixed = (signal: 'metrics' | 'logs', ottl: boolean, legacy: boolean, keys: string) => {
    if (ottl && legacy) ctx.addIssue({ code: 'custom', path: [signal], message: `OTTL conditions and ${keys} cannot be used together: write the names as conditions, such as name == "x" or IsMatch(name, "^x")` });
  };
  mixed('metrics', config.metrics.metric.length + config.metrics.datapoint.length > 0, config.metrics.include.length + config.metrics.exclude.length > 0, 'include/exclude');
  mixed('logs', config.logs.log_record.length > 0, config.logs.include.length + config.logs.exclude.length > 0 || config.logs.min_severity !== undefined, 'include/exclude/min_severity');
});

export type FilterConfig = z.infer<typeof filterConfigSchema>;

/** Globs as RE2 (linear time): as a backtracking RegExp, "a*a*a*a*a*b" takes minutes on a long name. */
export function globMatcher(patterns: readonly string[]): (name: string) => boolean {
  const regexes = patterns.map((pattern) =>
    re2().RE2JS.compile(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  return (name) => regexes.some((regex) => regex.test(name));
}

function keeper(include: readonly string[], exclude: readonly string[]): (name: string) => boolean {
  const included = globMatcher(include);
  const excluded = globMatcher(exclude);
  return (name) => (include.length === 0 || included(name)) && !excluded(name);
}

/** The stage for today's include/exclude and min_severity keys. */
function keyStage(config: FilterConfig['logs'], next: LogsConsumer): LogsConsumer {
  const keepName = keeper(config.include, config.exclude);
  const min = config.min_severity === undefined ? undefined : SEVERITIES[config.min_severity];
  return keepStage((record) => {
    const name = record.eventName ?? String(record.attributes['event.name'] ?? '');
    if ((config.include.length > 0 || config.exclude.length > 0) && !keepName(name)) return false;
    return min === undefined || record.severityNumber === undefined || record.severityNumber >= min;
  }, next);
}

function logStage(config: FilterConfig['logs'], next: LogsConsumer): LogsConsumer {
  const matches = anyCondition(config.log_record, logRecordContext);
  return matches ? conditionStage(matches, next) : keyStage(config, next);
}

export const filterProcessorFactory: ProcessorFactory<FilterConfig> = {
  kind: 'processor',
  type: 'filter',
  stability: 'beta',
  description: 'Drops metrics, data points and log records that match OTTL conditions (as the Collector\'s filter processor; see processors.md), or metrics by name and log records by event name or severity.',
  signals: ['metrics', 'logs'],
  configSchema: filterConfigSchema,
  createProcessor: ({ config }) => ({
    metrics: (next) => metricsFilterStage(next, config.metrics, keeper(config.metrics.include, config.metrics.exclude)),
    logs: (next) => logStage(config.logs, next),
  }),
};
