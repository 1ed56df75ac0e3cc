// The references of Datadog queries: metric queries (`max:name{scope} by {tags}`, in monitors
// and dashboard widgets, with `!tag:value` or `NOT tag:value`, `tag IN (..)`, template variables) and log
// searches (`@attribute:value`, `@attribute:(a OR b)`).
import type { AttributeReference, Reference } from './reference.ts';

const METRIC_QUERY = /\b(?:max|min|sum|avg|p\d+):([A-Za-z0-9_.]+)\{([^}]*)\}(?: by \{([^}]*)\})?/g;

function scopeAttributes(scope: string, variables: Map<string, string>): AttributeReference[] {
  const out: AttributeReference[] = [];
  const items = scope.includes(' AND ') ? scope.split(' AND ') : scope.split(/,(?![^(]*\))/);
  for (const raw of items.map((item) => item.trim()).filter((item) => item !== '' && item !== '*')) {
    const variable = /^\$(\w+)$/.exec(raw);
    if (variable) {
      const prefix = variables.get(variable[1]!);
      if (!prefix) throw new Error(`template variable $${variable[1]} is not defined`);
      out.push({ name: prefix });
      continue;
    }
    const list = /^(\S+) (?:NOT )?IN \(([^)]*)\)$/.exec(raw);
    if (list) {
      out.push({ name: list[1]!, values: list[2]!.split(',').map((v) => v.trim()) });
      continue;
    }
    const pair = /^(?:!|NOT )?([^:]+):(.+)$/.exec(raw);
    if (!pair) throw new Error(`cannot read the scope item ${raw}`);
    out.push(pair[2]!.startsWith('$') ? { name: pair[1]! } : { name: pair[1]!, values: [pair[2]!] });
  }
  return out;
}

export function datadogMetricReferences(where: string, query: string, variables = new Map<string, string>()): Reference[] {
  const out: Reference[] = [];
  for (const match of query.matchAll(METRIC_QUERY)) {
    const by = (match[3] ?? '').split(',').map((tag) => tag.trim()).filter(Boolean).map((name) => ({ name }));
    out.push({ where, metrics: [match[1]!], attributes: [...scopeAttributes(match[2]!, variables), ...by] });
  }
  if (out.length === 0) throw new Error(`${where}: no metric query in ${query}`);
  return out;
}

export function datadogLogReferences(where: string, search: string, facets: string[]): Reference[] {
  const attributes: AttributeReference[] = facets.map((facet) => ({ name: facet.replace(/^@/, '') }));
  for (const match of search.matchAll(/-?@([\w.]+):(\([^)]*\)|\S+)/g)) {
    const values = match[2]!.startsWith('(') ? match[2]!.slice(1, -1).split(' OR ') : [match[2]!];
    attributes.push({ name: match[1]!, values });
  }
  return [{ where, metrics: [], attributes }];
}
