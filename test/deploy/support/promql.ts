// The PromQL of the Grafana dashboard and the alert rules, parsed with the Prometheus
// project's own PromQL grammar (@prometheus-io/lezer-promql), to find every metric name
// they select and to catch syntax errors without a running Prometheus.
import { readFileSync } from 'node:fs';
import { parser } from '@prometheus-io/lezer-promql';
import { parse as parseYaml } from 'yaml';

export interface Selection {
  /** Metric names written as such: `backbone_folder_messages{...}`. */
  names: string[];
  /** Regular expressions in `{__name__=~"..."}` selectors. */
  nameRegexes: string[];
  /** Parse errors, with the text around them. */
  errors: string[];
}

/** Grafana's own variables that stand for durations, replaced so that the text is PromQL. */
export function withoutGrafanaMacros(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}/g, '5m');
}

function unquote(literal: string): string {
  if (literal.startsWith('`')) return literal.slice(1, -1);
  return JSON.parse(literal.startsWith("'") ? `"${literal.slice(1, -1).replace(/"/g, '\\"')}"` : literal) as string;
}

export function selection(expr: string): Selection {
  const text = withoutGrafanaMacros(expr);
  const out: Selection = { names: [], nameRegexes: [], errors: [] };
  parser.parse(text).iterate({
    enter(node) {
      if (node.type.isError) {
        out.errors.push(`syntax error at ${node.from}: …${text.slice(Math.max(0, node.from - 20), node.from + 20)}…`);
        return;
      }
      if (node.name === 'VectorSelector') {
        const first = node.node.firstChild;
        if (first?.name === 'Identifier') out.names.push(text.slice(first.from, first.to));
      }
      if (node.name === 'UnquotedLabelMatcher') {
        const label = node.node.getChild('LabelName');
        const op = node.node.getChild('MatchOp');
        const value = node.node.getChild('StringLiteral');
        if (label && op && value && text.slice(label.from, label.to) === '__name__') {
          const literal = unquote(text.slice(value.from, value.to));
          if (text.slice(op.from, op.to) === '=') out.names.push(literal);
          else if (text.slice(op.from, op.to) === '=~') out.nameRegexes.push(literal);
        }
      }
    },
  });
  return out;
}

export interface Query {
  /** Where it is used, for messages: "panel 'Messages per state' A", "alert BackboneApiDown". */
  where: string;
  expr: string;
}

interface Panel {
  title?: string;
  targets?: { expr?: string; refId?: string }[];
  panels?: Panel[];
}

/** Every PromQL expression of a dashboard: panel targets, and the selectors of query variables. */
export function dashboardQueries(file: string): Query[] {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as {
    panels?: Panel[];
    templating?: { list?: { name: string; type: string; query?: string | { query?: string } }[] };
  };
  const queries: Query[] = [];
  const walk = (panels: Panel[] | undefined) => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) {
        if (target.expr) queries.push({ where: `panel '${panel.title}' ${target.refId ?? ''}`.trim(), expr: target.expr });
      }
      walk(panel.panels);
    }
  };
  walk(dashboard.panels);
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query') continue;
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query ?? '';
    const labelValues = /^\s*label_values\(\s*(.*?)\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/s.exec(query);
    const queryResult = /^\s*query_result\((.*)\)\s*$/s.exec(query);
    const expr = labelValues?.[1] ?? queryResult?.[1];
    if (expr === undefined) {
      if (!/^\s*label_values\(\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/.test(query)) {
        throw new Error(`variable ${variable.name}: cannot read its query ${JSON.stringify(query)}`);
      }
      continue;
    }
    queries.push({ where: `variable $${variable.name}`, expr });
  }
  return queries;
}

/** Every alerting and recording rule expression of a Prometheus rules file. */
export function ruleQueries(file: string): Query[] {
  const doc = parseYaml(readFileSync(file, 'utf8')) as { groups: { rules: { alert?: string; record?: string; expr: string }[] }[] };
  return doc.groups.flatMap((group) => group.rules.map((rule) => ({
    where: rule.alert ? `alert ${rule.alert}` : `record ${rule.record}`,
    expr: String(rule.expr),
  })));
}
