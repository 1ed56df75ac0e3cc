// What a query of a generated asset names: metrics (or the log records), attributes and the
// attribute values it filters on. The extractors (datadog-, nrql-, promql-references.ts) read
// the generated files; vocabulary.ts says what the agent really sent, in each backend's names.
export interface AttributeReference {
  name: string;
  /** Values a filter names; none for a group-by or a template variable. */
  values?: string[];
}

export interface Reference {
  /** Where it is used, for messages. */
  where: string;
  /** Metric names it selects: the attributes must be on at least one of them. Empty: log records. */
  metrics: string[];
  attributes: AttributeReference[];
}

/** Names and values as a backend holds the agent's output: per metric, its attributes and their values; for log records alike. */
export interface Vocabulary {
  metrics: Map<string, Map<string, Set<string>>>;
  logs: Map<string, Set<string>>;
}

/** Every name a reference uses that the vocabulary lacks. */
export function missing(vocabulary: Vocabulary, reference: Reference): string[] {
  const problems: string[] = [];
  const scopes = reference.metrics.length === 0 ? [vocabulary.logs] : reference.metrics.map((metric) => {
    const found = vocabulary.metrics.get(metric);
    if (!found) problems.push(`${reference.where}: metric ${metric} is not in the agent's output`);
    return found;
  }).filter((scope) => scope !== undefined);
  if (scopes.length === 0) return problems;
  for (const attribute of reference.attributes) {
    const holders = scopes.filter((scope) => scope.has(attribute.name));
    if (holders.length === 0) {
      problems.push(`${reference.where}: ${attribute.name} is not an attribute of ${reference.metrics.join(', ') || 'the log records'}`);
      continue;
    }
    for (const value of attribute.values ?? []) {
      if (!holders.some((scope) => scope.get(attribute.name)!.has(value))) {
        problems.push(`${reference.where}: ${attribute.name} never has the value ${JSON.stringify(value)} in the agent's output`);
      }
    }
  }
  return problems;
}
