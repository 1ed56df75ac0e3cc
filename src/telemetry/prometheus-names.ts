// Metric names with unit suffixes, as the OpenTelemetry-to-Prometheus compatibility rules
// (and the Collector's prometheus exporter) write them: backbone.folder.size [By] becomes
// backbone_folder_size_bytes; {annotations} are dropped; gauges with unit 1 get _ratio.
// The SDK's serializer adds _total to counters and turns dots into underscores.
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

const UNIT_WORDS: Record<string, string> = {
  By: 'bytes', KiBy: 'kibibytes', MiBy: 'mebibytes', GiBy: 'gibibytes',
  s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds', min: 'minutes', h: 'hours', d: 'days',
  '%': 'percent', Hz: 'hertz', m: 'meters', V: 'volts', A: 'amperes', J: 'joules', W: 'watts', Cel: 'celsius',
};

/** The unit part of a Prometheus name, or '' for none. */
export function unitSuffix(unit: string, dataPointType: DataPointType): string {
  const withoutAnnotations = unit.replace(/\{[^}]*\}/g, '').trim();
  if (withoutAnnotations === '') return '';
  if (withoutAnnotations === '1') return dataPointType === DataPointType.GAUGE ? 'ratio' : '';
  const [numerator, denominator] = withoutAnnotations.split('/');
  const word = (part: string | undefined) => (part === undefined ? '' : UNIT_WORDS[part] ?? part.replace(/[^a-zA-Z0-9]/g, '_'));
  return denominator === undefined ? word(numerator) : `${word(numerator)}_per_${word(denominator)}`;
}

export function prometheusName(metric: MetricData): string {
  const suffix = unitSuffix(metric.descriptor.unit, metric.dataPointType);
  const base = metric.descriptor.name;
  if (suffix === '' || base.endsWith(`.${suffix}`) || base.endsWith(`_${suffix}`)) return base;
  return `${base}.${suffix}`;
}

export function withUnitSuffixes(resourceMetrics: ResourceMetrics): ResourceMetrics {
  return {
    resource: resourceMetrics.resource,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope) => ({
      scope: scope.scope,
      metrics: scope.metrics.map((metric) => ({ ...metric, descriptor: { ...metric.descriptor, name: prometheusName(metric) } }) as MetricData),
    })),
  };
}
