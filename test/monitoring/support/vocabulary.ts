// What the agent really sent (decoded by the test OTLP receiver), named as each backend
// documents it (monitoring/naming.ts): the metric names, attributes and values that queries
// may use there.
import type { ReceivedLog, ReceivedPoint } from '../../helpers/otlp-receiver.ts';
import { attributeValue, datadogMetricName, prometheusLabel, prometheusName } from '../../../monitoring/naming.ts';
import type { Vocabulary } from './reference.ts';

function add(into: Map<string, Map<string, Set<string>>>, metric: string, attributes: Record<string, string>): void {
  let names = into.get(metric);
  if (!names) into.set(metric, (names = new Map()));
  for (const [key, value] of Object.entries(attributes)) {
    let values = names.get(key);
    if (!values) names.set(key, (values = new Set()));
    values.add(value);
  }
}

const strings = (attributes: Record<string, unknown>) => Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, String(v)]));

function logVocabulary(logs: readonly ReceivedLog[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const record of logs) {
    for (const [key, value] of Object.entries({ ...strings(record.resource), ...strings(record.attributes) })) {
      if (!out.has(key)) out.set(key, new Set());
      out.get(key)!.add(value);
    }
  }
  return out;
}

/** Datadog: names as sent (system.* and process.* prefixed with otel.); attributes as tags with lower-cased values; host.name is `host`, service.name `service`. */
export function datadogVocabulary(points: readonly ReceivedPoint[], logs: readonly ReceivedLog[]): Vocabulary {
  const metrics = new Map<string, Map<string, Set<string>>>();
  for (const point of points) {
    const tags = Object.fromEntries(Object.entries(strings(point.attributes)).map(([k, v]) => [k, attributeValue('datadog', v)]));
    if (point.resource['host.name'] !== undefined) tags.host = attributeValue('datadog', String(point.resource['host.name']));
    if (point.resource['service.name'] !== undefined) tags.service = attributeValue('datadog', String(point.resource['service.name']));
    add(metrics, datadogMetricName(point.metric), tags);
  }
  return { metrics, logs: logVocabulary(logs) };
}

/** New Relic: names as sent, data-point and resource attributes alike (and each metric's name in metricName). */
export function newRelicVocabulary(points: readonly ReceivedPoint[], logs: readonly ReceivedLog[]): Vocabulary {
  const metrics = new Map<string, Map<string, Set<string>>>();
  for (const point of points) add(metrics, point.metric, { ...strings(point.resource), ...strings(point.attributes) });
  return { metrics, logs: logVocabulary(logs) };
}

/** Mimir: Prometheus names and labels; job from service.namespace/service.name, instance from service.instance.id. */
export function mimirVocabulary(points: readonly ReceivedPoint[]): Vocabulary {
  const metrics = new Map<string, Map<string, Set<string>>>();
  for (const point of points) {
    const kind = point.type === 'gauge' ? 'gauge' : point.type === 'sum' ? 'counter' : 'histogram';
    const name = prometheusName(point.metric, point.unit, kind);
    const labels = Object.fromEntries(Object.entries(strings(point.attributes)).map(([k, v]) => [prometheusLabel(k), v]));
    const service = String(point.resource['service.name'] ?? '');
    labels.job = point.resource['service.namespace'] ? `${String(point.resource['service.namespace'])}/${service}` : service;
    labels.instance = String(point.resource['service.instance.id'] ?? '');
    if (kind === 'histogram') {
      add(metrics, `${name}_bucket`, { ...labels, le: '+Inf' });
      add(metrics, `${name}_sum`, labels);
      add(metrics, `${name}_count`, labels);
    } else {
      add(metrics, name, labels);
    }
  }
  return { metrics, logs: new Map() };
}
