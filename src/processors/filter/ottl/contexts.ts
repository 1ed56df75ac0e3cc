// The three contexts the Collector's filter processor evaluates conditions in (log_record,
// metric, datapoint), over small views of the data rather than SDK types, so that the
// conditions do not depend on how a batch is laid out in memory.
import type { Attributes } from '@opentelemetry/api';
import type { OttlContext } from './evaluate.ts';

export interface LogRecordView {
  body: unknown;
  attributes: Attributes;
  resourceAttributes: Attributes;
  severityNumber: number | undefined;
  severityText: string | undefined;
  eventName: string | undefined;
}

/** OTLP's metric data types, as OTTL's METRIC_DATA_TYPE_* enums number them. */
export const METRIC_DATA_TYPE = { NONE: 0, GAUGE: 1, SUM: 2, HISTOGRAM: 3, EXPONENTIAL_HISTOGRAM: 4, SUMMARY: 5 } as const;
export type MetricDataType = (typeof METRIC_DATA_TYPE)[keyof typeof METRIC_DATA_TYPE];

export interface MetricView {
  name: string;
  description: string;
  unit: string;
  type: MetricDataType;
  resourceAttributes: Attributes;
}

export interface DataPointView {
  metric: MetricView;
  attributes: Attributes;
}

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;

/** SEVERITY_NUMBER_UNSPECIFIED (0), SEVERITY_NUMBER_TRACE (1) … SEVERITY_NUMBER_FATAL4 (24), as in OTLP. */
export const SEVERITY_NUMBER_ENUMS: Readonly<Record<string, number>> = Object.fromEntries([
  ['SEVERITY_NUMBER_UNSPECIFIED', 0],
  ...LEVELS.flatMap((level, i) => [1, 2, 3, 4].map((n) => [`SEVERITY_NUMBER_${level}${n === 1 ? '' : n}`, i * 4 + n] as const)),
]);

const METRIC_ENUMS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(Object.entries(METRIC_DATA_TYPE).map(([name, value]) => [`METRIC_DATA_TYPE_${name}`, value])),
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

const absent = <T>(value: T | undefined): T | null => value ?? null;

export const logRecordContext: OttlContext<LogRecordView> = {
  name: 'log_record',
  prefix: 'log',
  fields: {
    body: { read: (r) => absent(r.body) },
    attributes: { read: (r) => r.attributes, map: true },
    'resource.attributes': { read: (r) => r.resourceAttributes, map: true },
    severity_number: { read: (r) => r.severityNumber ?? 0 },
    severity_text: { read: (r) => r.severityText ?? '' },
    event_name: { read: (r) => r.eventName ?? '' },
  },
  enums: SEVERITY_NUMBER_ENUMS,
};

const metricFields = {
  name: { read: (m: MetricView) => m.name },
  description: { read: (m: MetricView) => m.description },
  unit: { read: (m: MetricView) => m.unit },
  type: { read: (m: MetricView) => m.type },
};

export const metricContext: OttlContext<MetricView> = {
  name: 'metric',
  prefix: 'metric',
  fields: { ...metricFields, 'resource.attributes': { read: (m) => m.resourceAttributes, map: true } },
  enums: METRIC_ENUMS,
};

export const dataPointContext: OttlContext<DataPointView> = {
  name: 'datapoint',
  prefix: 'datapoint',
  fields: {
    attributes: { read: (p) => p.attributes, map: true },
    'resource.attributes': { read: (p) => p.metric.resourceAttributes, map: true },
    ...Object.fromEntries(Object.entries(metricFields).map(([name, field]) => [`metric.${name}`, { read: (p: DataPointView) => field.read(p.metric) }])),
  },
  enums: METRIC_ENUMS,
};
