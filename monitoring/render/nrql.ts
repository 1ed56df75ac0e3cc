// NRQL for the definition, on the data as New Relic stores what the newrelic preset sends over
// OTLP (monitoring/naming.ts): metrics in `Metric` under their own names, attributes (resource
// ones included) as sent; log records in `Log`. The preset sends delta temporality, which New
// Relic recommends: delta sums are counts (sum() per window is the increase), histograms are
// distributions (percentile()).
import type { Filter } from '../model.ts';
import { attributeName, declared } from '../naming.ts';

const quote = (value: string) => `'${value.replace(/'/g, "\\'")}'`;

export function condition(filter: Filter): string {
  const attribute = attributeName('newrelic', filter.attribute);
  if (filter.values.length === 1) return `${attribute} ${filter.op === 'in' ? '=' : '!='} ${quote(filter.values[0]!)}`;
  return `${attribute} ${filter.op === 'in' ? 'IN' : 'NOT IN'} (${filter.values.map(quote).join(', ')})`;
}

export function whereClause(where: readonly Filter[] = [], extra: readonly string[] = []): string {
  const parts = [...where.map(condition), ...extra];
  return parts.length > 0 ? ` WHERE ${parts.join(' AND ')}` : '';
}

export function facet(by: readonly string[]): string {
  return by.length > 0 ? ` FACET ${by.map((attribute) => attributeName('newrelic', attribute)).join(', ')}` : '';
}

/** Dashboard variables a metric's queries filter on (synchronization; project, or the connector named after it). */
export function variableFilters(metric: string): string[] {
  const attributes = declared(metric).attributes;
  if (!attributes.includes('backbone.integration')) return [];
  const out = ['backbone.integration IN ({{integration}})'];
  if (attributes.includes('backbone.project')) out.push('backbone.project IN ({{project}})');
  else if (attributes.includes('backbone.connector')) out.push('backbone.connector IN ({{project}})');
  return out;
}
