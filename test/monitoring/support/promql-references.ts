// The references of a PromQL expression (Grafana dashboards, Prometheus and Grafana Cloud
// rules), found with the Prometheus project's own grammar (@prometheus-io/lezer-promql): each
// selector's metric and label matchers (literal values; regex alternatives one by one), and
// the labels of every `by (...)`, which must be on one of the expression's metrics.
import { parser } from '@prometheus-io/lezer-promql';
import type { AttributeReference, Reference } from './reference.ts';

const unquote = (literal: string) => JSON.parse(literal.startsWith("'") ? `"${literal.slice(1, -1)}"` : literal) as string;

/** Values a matcher's literal names, or none when it is a pattern or a Grafana variable. */
function literalValues(op: string, literal: string): string[] | undefined {
  if (literal.includes('$')) return undefined;
  if (op === '=' || op === '!=') return literal === '' ? undefined : [literal];
  const alternatives = literal.split('|');
  return alternatives.every((a) => /^[\w\- .:/]+$/.test(a)) ? alternatives : undefined;
}

export function promqlReferences(where: string, expr: string): Reference[] {
  const text = expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m');
  const selectors: Reference[] = [];
  const grouping: string[] = [];
  parser.parse(text).iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`${where}: PromQL syntax error at ${node.from} in ${expr}`);
      if (node.name === 'VectorSelector') {
        const name = node.node.getChild('Identifier');
        const attributes: AttributeReference[] = [];
        for (const matcher of node.node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
          const label = text.slice(matcher.getChild('LabelName')!.from, matcher.getChild('LabelName')!.to);
          const op = text.slice(matcher.getChild('MatchOp')!.from, matcher.getChild('MatchOp')!.to);
          const literal = unquote(text.slice(matcher.getChild('StringLiteral')!.from, matcher.getChild('StringLiteral')!.to));
          if (label === '__name__') continue;
          const values = literalValues(op, literal);
          attributes.push(values ? { name: label, values } : { name: label });
        }
        if (name) selectors.push({ where, metrics: [text.slice(name.from, name.to)], attributes });
      }
      if (node.name === 'GroupingLabels') {
        for (const label of node.node.getChildren('LabelName')) grouping.push(text.slice(label.from, label.to));
      }
    },
  });
  const metrics = [...new Set(selectors.flatMap((s) => s.metrics))];
  const by = [...new Set(grouping)].map((name) => ({ where, metrics, attributes: [{ name }] }));
  return [...selectors, ...by];
}
