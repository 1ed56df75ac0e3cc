// How each backend names what the agent sends over OTLP, as each documents it. The renderers
// write queries with these names, and test/monitoring/ maps the agent's real output with the
// same rules to check that every name a query uses exists.
//
// - Prometheus and Grafana Cloud (Mimir): the OpenTelemetry specification's "OTLP Metric
//   points to Prometheus" (Grafana, "OTLP: OpenTelemetry Protocol format considerations"):
//   dots to underscores in metric and label names, a unit suffix (s -> seconds, By -> bytes,
//   1 -> ratio on gauges, {annotations} dropped), _total on monotonic sums, _bucket/_sum/_count
//   on histograms; resource attributes go to target_info, service.name becomes `job` and
//   service.instance.id `instance`. The agent's prometheus exporter names them the same way.
// - Datadog (Datadog, "OTLP Metrics Types"; "Getting Started with Tags"; "OpenTelemetry Metrics
//   Mapping"): metric names keep their dots (only system.* and process.* get an `otel.` prefix,
//   none of the agent's); data-point attributes become tags whose values Datadog lower-cases;
//   sums become counts, histograms distributions; host.name becomes the `host` tag and
//   service.name `service`.
// - New Relic (New Relic, "OpenTelemetry metrics in New Relic"): names and attributes as sent,
//   resource attributes alike, in the Metric event type; log records in Log.
import { TELEMETRY } from '../src/components.ts';
import type { MetricDeclaration, MetricKind } from '../src/telemetry/declaration.ts';
import { AGENT, SERVICE } from './model.ts';

export type Backend = 'prometheus' | 'mimir' | 'datadog' | 'newrelic';

const DECLARED = new Map(TELEMETRY.flatMap((component) => component.metrics).map((metric) => [metric.name, metric]));

export function declared(metric: string): MetricDeclaration {
  const found = DECLARED.get(metric);
  if (!found) throw new Error(`${metric} is not a metric declared in src/telemetry/`);
  return found;
}

const UNIT_SUFFIX: Record<string, string> = { s: 'seconds', ms: 'milliseconds', By: 'bytes', KiBy: 'kibibytes', MiBy: 'mebibytes' };

/** The Prometheus name of an OTLP metric (for a histogram, the family without _bucket/_sum/_count). */
export function prometheusName(name: string, unit: string, kind: MetricKind): string {
  const base = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  const suffix = unit === '1' ? (kind === 'gauge' ? 'ratio' : '') : unit.startsWith('{') ? '' : UNIT_SUFFIX[unit] ?? '';
  const named = suffix === '' || base.endsWith(`_${suffix}`) ? base : `${base}_${suffix}`;
  return kind === 'counter' && !named.endsWith('_total') ? `${named}_total` : named;
}

export function prometheusLabel(attribute: string): string {
  return attribute.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** A metric's name as Datadog shows it: system.* and process.* (host metrics) get an `otel.` prefix. */
export function datadogMetricName(name: string): string {
  return /^(system|process)\./.test(name) ? `otel.${name}` : name;
}

/** A metric's name in a backend. */
export function metricName(backend: Backend, metric: string): string {
  if (backend === 'datadog') return datadogMetricName(metric);
  if (backend === 'newrelic') return metric;
  const declaration = declared(metric);
  return prometheusName(declaration.name, declaration.unit, declaration.kind);
}

/** An attribute's name in a backend, or what stands for the agent or the installation there. */
export function attributeName(backend: Backend, attribute: string): string {
  if (attribute === AGENT) return { prometheus: 'instance', mimir: 'instance', datadog: 'host', newrelic: 'host.name' }[backend];
  if (attribute === SERVICE) return { prometheus: 'job', mimir: 'job', datadog: 'service', newrelic: 'service.name' }[backend];
  return backend === 'prometheus' || backend === 'mimir' ? prometheusLabel(attribute) : attribute;
}

/** An attribute value as a backend stores it: Datadog lower-cases tag values. */
export function attributeValue(backend: Backend, value: string): string {
  return backend === 'datadog' ? value.toLowerCase() : value;
}
