// The references of NRQL queries as the generated assets write them: `FROM Metric|Log SELECT
// fn(name, ...) [* fn(attribute)] [WHERE a = 'v' AND b IN ('x', 'y') AND c IN ({{var}})]
// [FACET a, b] [SINCE ...] [TIMESERIES ...]`.
import type { AttributeReference, Reference } from './reference.ts';

const QUERY = /^FROM (Metric|Log) SELECT (.+?)(?: WHERE (.+?))?(?: FACET (.+?))?(?: SINCE .+?)?(?: TIMESERIES.*)?$/;

export function nrqlReferences(where: string, query: string): Reference[] {
  const parsed = QUERY.exec(query);
  if (!parsed) throw new Error(`${where}: cannot read the NRQL ${query}`);
  const [, from, select, conditions, facets] = parsed;
  const metrics: string[] = [];
  const attributes: AttributeReference[] = [];
  for (const call of select!.matchAll(/(\w+)\(([^)]*)\)/g)) {
    const first = call[2]!.split(',')[0]!.trim();
    if (first === '*' || first === '') continue;
    if (from === 'Log' || call[1] === 'uniqueCount' || call[1] === 'uniques') attributes.push({ name: first });
    else metrics.push(first);
  }
  for (const condition of (conditions ?? '').split(' AND ').filter(Boolean)) {
    const match = /^([\w.]+) (=|!=|IN|NOT IN) (.+)$/.exec(condition.trim());
    if (!match) throw new Error(`${where}: cannot read the condition ${condition}`);
    const values = [...match[3]!.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]!);
    if (match[1] === 'metricName') {
      metrics.push(...values);
      continue;
    }
    attributes.push(values.length > 0 ? { name: match[1]!, values } : { name: match[1]! });
  }
  for (const facet of (facets ?? '').split(',').map((f) => f.trim()).filter(Boolean)) attributes.push({ name: facet });
  return [{ where, metrics: from === 'Log' ? [] : metrics, attributes }];
}
