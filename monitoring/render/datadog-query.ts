// Datadog metric queries for the definition, written for the data as Datadog shows what the
// datadog preset sends over OTLP (monitoring/naming.ts): names keep their dots, attributes are
// tags with lower-cased values, sums are counts (`.as_count()`), histograms are distributions
// (`p90:`). The preset sends delta temporality, the only one Datadog's OTLP intake accepts, so
// each count point is the increase since the previous one, as Datadog counts expect.
import type { Filter } from '../model.ts';
import { attributeName, attributeValue, datadogMetricName } from '../naming.ts';

export type SpaceAggregation = 'max' | 'sum' | 'avg' | 'min' | `p${number}`;

/** One filter: `tag:value`, `!tag:value`, or in the functional syntax `NOT tag:value`, `tag IN (a,b)`, `tag NOT IN (a,b)`. */
function scopeItem(filter: Filter, functional: boolean): string {
  const tag = attributeName('datadog', filter.attribute);
  const values = filter.values.map((value) => attributeValue('datadog', value));
  if (values.length === 1) return `${filter.op === 'in' ? '' : functional ? 'NOT ' : '!'}${tag}:${values[0]}`;
  return `${tag} ${filter.op === 'in' ? 'IN' : 'NOT IN'} (${values.join(',')})`;
}

/**
 * `{a:x,!b:y}`, or `{a:x AND b IN (y,z)}` once a filter lists several values (Datadog,
 * "Advanced Filtering": `!` and `,` cannot be mixed with NOT, AND, IN); `{*}` when there is
 * nothing to filter.
 */
export function scope(where: readonly Filter[] = [], extra: readonly string[] = []): string {
  const functional = where.some((filter) => filter.values.length > 1);
  const items = [...extra, ...where.map((filter) => scopeItem(filter, functional))];
  if (items.length === 0) return '{*}';
  return `{${items.join(functional ? ' AND ' : ',')}}`;
}

export function groupBy(by: readonly string[]): string {
  return by.length > 0 ? ` by {${by.map((attribute) => attributeName('datadog', attribute)).join(',')}}` : '';
}

/** `max:backbone.folder.messages{backbone.state:receive} by {backbone.integration}` */
export function metricQuery(aggregation: SpaceAggregation, metric: string, where: readonly Filter[] = [], by: readonly string[] = [], extra: readonly string[] = []): string {
  return `${aggregation}:${datadogMetricName(metric)}${scope(where, extra)}${groupBy(by)}`;
}

/** `{backbone.integration}` -> `{{backbone.integration.name}}` (a monitor message's group tag variables). */
export function messageTemplate(text: string): string {
  return text.replace(/\{(@?[a-zA-Z_.]+)\}/g, (_, attribute: string) => `{{${attributeName('datadog', attribute)}.name}}`);
}
