// PromQL for the definition's conditions and panel queries, in two flavours: `prometheus`
// (Prometheus scrapes the agent's prometheus exporter: `up{job}` says whether it answers) and
// `mimir` (Grafana Cloud stores what the grafana_cloud preset sends over OTLP: no `up`, so
// silence is `absent_over_time`). Names as monitoring/naming.ts maps them.
import type { Alert, Filter, PanelQuery } from '../model.ts';
import { AGENT, seconds } from '../model.ts';
import { attributeName, declared, metricName } from '../naming.ts';

export type Flavour = 'prometheus' | 'mimir';

/** The job Prometheus scrapes the agent as (deploy/prometheus/prometheus.example.yml), and service.name over OTLP. */
export const AGENT_JOB = 'backbone-otel-agent';

const escape = (value: string) => value.replace(/[\\"]/g, '\\$&');
const regexOf = (values: readonly string[]) => values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

function matcher(flavour: Flavour, filter: Filter): string {
  const label = attributeName(flavour, filter.attribute);
  if (filter.values.length === 1) return `${label}${filter.op === 'in' ? '=' : '!='}"${escape(filter.values[0]!)}"`;
  return `${label}${filter.op === 'in' ? '=~' : '!~'}"${escape(regexOf(filter.values))}"`;
}

/** Matchers for the dashboard's variables: synchronization and project on Backbone's series, job on the agent's own. */
function variableMatchers(flavour: Flavour, metric: string): string[] {
  const attributes = declared(metric).attributes;
  if (!attributes.includes('backbone.integration')) return [`job=~"$job"`];
  const out = [`${attributeName(flavour, 'backbone.integration')}=~"$integration"`];
  if (attributes.includes('backbone.project')) out.push(`${attributeName(flavour, 'backbone.project')}=~"$project"`);
  else if (attributes.includes('backbone.connector')) out.push(`${attributeName(flavour, 'backbone.connector')}=~"$project"`);
  return out;
}

export function selector(flavour: Flavour, metric: string, where: readonly Filter[] = [], extra: string[] = [], suffix = ''): string {
  const matchers = [...extra, ...where.map((filter) => matcher(flavour, filter))];
  return `${metricName(flavour, metric)}${suffix}${matchers.length > 0 ? `{${matchers.join(', ')}}` : ''}`;
}

/** Labels of a `by (...)`: an agent is told apart by job and instance, as Prometheus labels a target. */
const labelsOf = (flavour: Flavour, by: readonly string[]) => by.flatMap((a) => (a === AGENT ? ['job', 'instance'] : [attributeName(flavour, a)]));
const byClause = (flavour: Flavour, by: readonly string[]) => (by.length > 0 ? ` by (${labelsOf(flavour, by).join(', ')})` : '');

/**
 * Folds series into the groups of `by`. Backbone series may come from several agents (Data
 * Center without leader election): `sum` first takes one of each (max over agents), so that
 * a value is not counted once per agent.
 */
function fold(flavour: Flavour, aggregation: 'max' | 'sum', metric: string, by: readonly string[], inner: string): string {
  const identity = declared(metric).attributes;
  if (aggregation === 'max' || by.includes(AGENT) || identity.length === 0) return `${aggregation}${byClause(flavour, by)} (${inner})`;
  return `sum${byClause(flavour, by)} (max${byClause(flavour, identity)} (${inner}))`;
}

export function alertExpr(flavour: Flavour, alert: Alert): string {
  const c = alert.condition;
  switch (c.kind) {
    case 'gauge':
      return `${fold(flavour, c.aggregation, c.metric, c.by, selector(flavour, c.metric, c.where))} ${c.op} ${c.threshold}`;
    case 'increase':
      return `sum${byClause(flavour, c.by)} (increase(${selector(flavour, c.metric, c.where)}[${c.window}])) > ${c.threshold}`;
    case 'growing':
      return `max${byClause(flavour, c.by)} (deriv(${selector(flavour, c.metric, c.where)}[${c.window}])) > 0`;
    case 'silence':
      return flavour === 'prometheus' ? `up{job="${AGENT_JOB}"} == 0` : `absent_over_time(${selector(flavour, c.metric)}[${alert.for}])`;
  }
}

/** The rule's `for`: over OTLP, silence is measured by absent_over_time's range itself. */
export function alertFor(flavour: Flavour, alert: Alert): string | undefined {
  if (alert.condition.kind === 'silence' && flavour === 'mimir') return undefined;
  return seconds(alert.for) > 0 ? alert.for : undefined;
}

/** A panel query's PromQL, with the dashboard's variables; undefined for what Prometheus does not hold (log records). */
export function panelExpr(flavour: Flavour, query: PanelQuery): string | undefined {
  if (query.kind === 'log') return undefined;
  const variables = variableMatchers(flavour, query.metric);
  const where = query.where ?? [];
  switch (query.kind) {
    case 'gauge': {
      const expr = fold(flavour, query.aggregation ?? 'max', query.metric, query.by, selector(flavour, query.metric, where, variables));
      return query.equals === undefined ? expr : `${expr} == ${query.equals}`;
    }
    case 'rate':
      return `${fold(flavour, query.aggregation ?? 'sum', query.metric, query.by, `rate(${selector(flavour, query.metric, where, variables)}[$__rate_interval])`)} * 60`;
    case 'quantile':
      return `histogram_quantile(${query.quantile}, sum by (le${labelsOf(flavour, query.by).map((label) => `, ${label}`).join('')}) (rate(${selector(flavour, query.metric, where, variables, '_bucket')}[$__rate_interval])))`;
    case 'alive':
      return flavour === 'prometheus'
        ? `up{job=~"$job"}`
        : `max${byClause(flavour, query.by)} (present_over_time(${selector(flavour, query.metric, where, variables)}[5m]))`;
  }
}

/** `{backbone.integration}` -> `{{ $labels.backbone_integration }}` (Prometheus templates; Grafana legends use `{{label}}`). */
export function labelTemplate(flavour: Flavour, text: string, style: 'rule' | 'legend'): string {
  return text.replace(/\{(@?[a-zA-Z_.]+)\}/g, (_, attribute: string) => {
    const label = attributeName(flavour, attribute);
    return style === 'rule' ? `{{ $labels.${label} }}` : `{{${label}}}`;
  });
}
